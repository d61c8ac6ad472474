CREATE TABLE `beacon_duplicates` (
	`id` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`program_id` text NOT NULL,
	`beacon_user1_id` text NOT NULL,
	`beacon_user1_version` integer NOT NULL,
	`beacon_user2_id` text NOT NULL,
	`beacon_user2_version` integer NOT NULL,
	`pair` text NOT NULL,
	`analysis` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_duplicates_pair_unique` ON `beacon_duplicates` (`pair`);--> statement-breakpoint
CREATE INDEX `beacon_duplicates_by_user1` ON `beacon_duplicates` (`beacon_user1_id`);--> statement-breakpoint
CREATE INDEX `beacon_duplicates_by_user2` ON `beacon_duplicates` (`beacon_user2_id`);--> statement-breakpoint
CREATE TABLE `beacon_reports` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`program_id` text NOT NULL,
	`beacon_user_id` text NOT NULL,
	`beacon_user_version` integer NOT NULL,
	`type` text NOT NULL,
	`fraud_date` text,
	`event_date` text NOT NULL,
	`fraud_amount` text,
	`audit_source` text NOT NULL,
	`audit_dashboard_user_id` text,
	`audit_timestamp` text NOT NULL,
	`created_at` text NOT NULL,
	`deleted_at` text,
	`fanout_enqueued_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_reports_id_unique` ON `beacon_reports` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_reports_one_active_per_user` ON `beacon_reports` (`beacon_user_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `beacon_reports_by_user` ON `beacon_reports` (`beacon_user_id`,`seq`);--> statement-breakpoint
CREATE INDEX `beacon_reports_fanout_pending` ON `beacon_reports` (`fanout_enqueued_at`);--> statement-breakpoint
CREATE TABLE `blocking_keys` (
	`key` text NOT NULL,
	`program_id` text NOT NULL,
	`beacon_user_id` text NOT NULL,
	`client_id` text NOT NULL,
	PRIMARY KEY(`key`, `program_id`, `beacon_user_id`)
);
--> statement-breakpoint
CREATE INDEX `blocking_keys_by_user` ON `blocking_keys` (`beacon_user_id`);--> statement-breakpoint
CREATE TABLE `report_keys` (
	`key` text NOT NULL,
	`report_id` text NOT NULL,
	`client_id` text NOT NULL,
	PRIMARY KEY(`key`, `report_id`)
);
--> statement-breakpoint
CREATE INDEX `report_keys_by_report` ON `report_keys` (`report_id`);--> statement-breakpoint
CREATE TABLE `report_syndications` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`program_id` text NOT NULL,
	`beacon_user_id` text NOT NULL,
	`report_id` text NOT NULL,
	`analysis` text NOT NULL,
	`created_at` text NOT NULL,
	`confirmed_at` text,
	`confirmed_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_syndications_id_unique` ON `report_syndications` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `report_syndications_one_per_report_and_user` ON `report_syndications` (`report_id`,`beacon_user_id`);--> statement-breakpoint
CREATE INDEX `report_syndications_by_user` ON `report_syndications` (`beacon_user_id`,`seq`);--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `enqueued_at` text;--> statement-breakpoint
CREATE INDEX `webhook_events_pending` ON `webhook_events` (`enqueued_at`);