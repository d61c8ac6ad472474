CREATE TABLE `fanout_dead_letters` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`report_id` text NOT NULL,
	`after` text,
	`created_at` text NOT NULL,
	`retried_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fanout_dead_letters_id_unique` ON `fanout_dead_letters` (`id`);--> statement-breakpoint
CREATE INDEX `webhook_events_in_flight` ON `webhook_events` (`enqueued_at`) WHERE delivery_status = 'pending';