CREATE TABLE `indexed_reports` (
	`report_id` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`program_id` text NOT NULL,
	`beacon_user_id` text NOT NULL,
	`identity` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_key_counts` (
	`key` text PRIMARY KEY NOT NULL,
	`reports` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_keys` (
	`key` text NOT NULL,
	`report_id` text NOT NULL,
	PRIMARY KEY(`key`, `report_id`)
);
--> statement-breakpoint
CREATE INDEX `report_keys_by_report` ON `report_keys` (`report_id`);