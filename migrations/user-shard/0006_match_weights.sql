ALTER TABLE `beacon_duplicates` ADD `match_weight` text;--> statement-breakpoint
ALTER TABLE `report_syndications` ADD `match_weight` text;