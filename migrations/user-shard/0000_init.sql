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
	`blocking_keys` text NOT NULL,
	`index_state` text NOT NULL,
	`index_state_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_reports_id_unique` ON `beacon_reports` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_reports_one_active_per_user` ON `beacon_reports` (`beacon_user_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `beacon_reports_by_user` ON `beacon_reports` (`beacon_user_id`,`seq`);--> statement-breakpoint
CREATE INDEX `beacon_reports_index_pending` ON `beacon_reports` (`index_state_at`) WHERE index_state IN ('indexing', 'unindexing');--> statement-breakpoint
CREATE TABLE `beacon_user_versions` (
	`beacon_user_id` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`identity` text NOT NULL,
	`audit_source` text NOT NULL,
	`audit_dashboard_user_id` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`beacon_user_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `beacon_users` (
	`id` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`program_id` text NOT NULL,
	`client_user_id` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`identity_digest` text NOT NULL,
	`blocking_keys` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_users_by_client_user_id` ON `beacon_users` (`program_id`,`client_user_id`);--> statement-breakpoint
CREATE TABLE `blocking_keys` (
	`key` text NOT NULL,
	`program_id` text NOT NULL,
	`beacon_user_id` text NOT NULL,
	`client_id` text NOT NULL,
	PRIMARY KEY(`key`, `program_id`, `beacon_user_id`)
);
--> statement-breakpoint
CREATE TABLE `key_counts` (
	`key` text NOT NULL,
	`program_id` text NOT NULL,
	`client_id` text NOT NULL,
	`users` integer NOT NULL,
	PRIMARY KEY(`key`, `program_id`)
);
--> statement-breakpoint
CREATE TABLE `report_fanouts` (
	`report_id` text NOT NULL,
	`pass` integer NOT NULL,
	`shard` integer NOT NULL,
	`state` text NOT NULL,
	`page` text NOT NULL,
	`touched_at` text NOT NULL,
	PRIMARY KEY(`report_id`, `pass`, `shard`)
);
--> statement-breakpoint
CREATE INDEX `report_fanouts_queued` ON `report_fanouts` (`touched_at`) WHERE state = 'queued';--> statement-breakpoint
CREATE TABLE `report_syndications` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`program_id` text NOT NULL,
	`beacon_user_id` text NOT NULL,
	`report_id` text NOT NULL,
	`report_client_id` text NOT NULL,
	`report_program_id` text NOT NULL,
	`reported_user_id` text NOT NULL,
	`analysis` text NOT NULL,
	`created_at` text NOT NULL,
	`confirmed_at` text,
	`confirmed_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_syndications_id_unique` ON `report_syndications` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `report_syndications_one_per_fact` ON `report_syndications` (`reported_user_id`,`beacon_user_id`);--> statement-breakpoint
CREATE INDEX `report_syndications_by_user` ON `report_syndications` (`beacon_user_id`,`seq`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`client_user_id` text NOT NULL,
	`token_digest` text NOT NULL,
	`identity` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_token_digest_unique` ON `users` (`token_digest`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_by_client_user_id` ON `users` (`client_id`,`client_user_id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`webhook_code` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	`enqueued_at` text,
	`delivery_status` text DEFAULT 'pending' NOT NULL,
	`delivery_attempts` integer DEFAULT 0 NOT NULL,
	`last_attempt_at` text,
	`last_http_status` integer,
	`last_error` text,
	`next_attempt_at` text,
	`delivered_at` text,
	`given_up_at` text,
	`claim_token` text,
	`claimed_until` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_id_unique` ON `webhook_events` (`id`);--> statement-breakpoint
CREATE INDEX `webhook_events_by_client` ON `webhook_events` (`client_id`,`created_at`,`seq`);--> statement-breakpoint
CREATE INDEX `webhook_events_pending` ON `webhook_events` (`enqueued_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_by_client_status` ON `webhook_events` (`client_id`,`delivery_status`,`created_at`,`seq`);--> statement-breakpoint
CREATE INDEX `webhook_events_in_flight` ON `webhook_events` (`enqueued_at`) WHERE delivery_status = 'pending';