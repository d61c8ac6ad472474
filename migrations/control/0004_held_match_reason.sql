ALTER TABLE `held_matches` ADD `reason` text DEFAULT 'bound' NOT NULL;--> statement-breakpoint
CREATE INDEX `held_matches_by_client` ON `held_matches` (`client_id`,`status`,`seq`);--> statement-breakpoint
CREATE INDEX `held_matches_by_report_client` ON `held_matches` (`report_client_id`,`status`,`seq`);