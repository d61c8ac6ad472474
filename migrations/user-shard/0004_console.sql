CREATE TABLE `beacon_user_notes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`beacon_user_id` text NOT NULL,
	`dashboard_user_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_user_notes_id_unique` ON `beacon_user_notes` (`id`);--> statement-breakpoint
CREATE INDEX `beacon_user_notes_by_user` ON `beacon_user_notes` (`beacon_user_id`,`seq`);--> statement-breakpoint
CREATE TABLE `review_queue_counts` (
	`program_id` text NOT NULL,
	`reason` text NOT NULL,
	`client_id` text NOT NULL,
	`users` integer NOT NULL,
	PRIMARY KEY(`program_id`, `reason`)
);
--> statement-breakpoint
CREATE INDEX `review_queue_counts_by_client` ON `review_queue_counts` (`client_id`);--> statement-breakpoint
ALTER TABLE `beacon_reports` ADD `created_source` text NOT NULL DEFAULT 'api';--> statement-breakpoint
ALTER TABLE `beacon_reports` ADD `created_dashboard_user_id` text;--> statement-breakpoint
ALTER TABLE `beacon_user_versions` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `beacon_users` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `beacon_users` ADD `status_since` text NOT NULL DEFAULT '';--> statement-breakpoint
CREATE INDEX `beacon_users_by_client` ON `beacon_users` (`client_id`,`client_user_id`);--> statement-breakpoint
CREATE INDEX `beacon_users_review_queue` ON `beacon_users` (`client_id`,`status`,`status_reason`,`status_since`,`id`);--> statement-breakpoint
CREATE INDEX `beacon_users_program_review_queue` ON `beacon_users` (`program_id`,`status`,`status_reason`,`status_since`,`id`);--> statement-breakpoint
-- Existing rows: who filed a report is the best its last change says; a user's status has
-- been its own since the first version after the last one with another status; its reason
-- is read from what its rows record.
UPDATE `beacon_reports` SET `created_source` = `audit_source`, `created_dashboard_user_id` = `audit_dashboard_user_id`;--> statement-breakpoint
UPDATE `beacon_users` SET `status_since` = (
  SELECT min(v.`created_at`) FROM `beacon_user_versions` v
  WHERE v.`beacon_user_id` = `beacon_users`.`id` AND v.`version` > (
    SELECT coalesce(max(w.`version`), 0) FROM `beacon_user_versions` w
    WHERE w.`beacon_user_id` = `beacon_users`.`id` AND w.`status` <> `beacon_users`.`status`
  )
);--> statement-breakpoint
UPDATE `beacon_users` SET `status_reason` = CASE
  WHEN `status` = 'rejected' AND EXISTS (SELECT 1 FROM `beacon_reports` r WHERE r.`beacon_user_id` = `beacon_users`.`id` AND r.`deleted_at` IS NULL) THEN 'reported'
  WHEN `status` = 'rejected' AND EXISTS (SELECT 1 FROM `report_syndications` s WHERE s.`beacon_user_id` = `beacon_users`.`id` AND s.`report_client_id` = `beacon_users`.`client_id`) THEN 'own_report'
  WHEN `status` = 'pending_review' AND EXISTS (SELECT 1 FROM `report_syndications` s WHERE s.`beacon_user_id` = `beacon_users`.`id` AND s.`report_client_id` <> `beacon_users`.`client_id`) THEN 'network_report'
  WHEN `status` = 'pending_review' AND EXISTS (SELECT 1 FROM `beacon_duplicates` d WHERE d.`beacon_user1_id` = `beacon_users`.`id`) THEN 'duplicate'
  WHEN `status` = 'cleared' AND NOT EXISTS (SELECT 1 FROM `beacon_user_versions` v WHERE v.`beacon_user_id` = `beacon_users`.`id` AND v.`status` <> 'cleared') THEN NULL
  ELSE 'review'
END;--> statement-breakpoint
UPDATE `beacon_user_versions` SET `status_reason` = (
  SELECT u.`status_reason` FROM `beacon_users` u WHERE u.`id` = `beacon_user_versions`.`beacon_user_id` AND u.`version` = `beacon_user_versions`.`version`
);
