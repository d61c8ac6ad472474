CREATE TABLE `held_matches` (
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
	`shown_analysis` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`resolved_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `held_matches_id_unique` ON `held_matches` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `held_matches_one_per_pair` ON `held_matches` (`reported_user_id`,`beacon_user_id`);--> statement-breakpoint
CREATE INDEX `held_matches_by_pair` ON `held_matches` (`reported_user_id`,`client_id`);--> statement-breakpoint
CREATE TABLE `network_match_counts` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reported_user_id` text NOT NULL,
	`report_client_id` text NOT NULL,
	`client_id` text NOT NULL,
	`syndications` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `network_match_counts_one_per_pair` ON `network_match_counts` (`reported_user_id`,`client_id`);--> statement-breakpoint
CREATE INDEX `network_match_counts_by_client` ON `network_match_counts` (`client_id`,`seq`);