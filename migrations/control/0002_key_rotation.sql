CREATE TABLE `key_rotations` (
	`rotation` text NOT NULL,
	`target` text NOT NULL,
	`cursor` text,
	`rows_changed` integer DEFAULT 0 NOT NULL,
	`done_at` text,
	`touched_at` text NOT NULL,
	PRIMARY KEY(`rotation`, `target`)
);
--> statement-breakpoint
CREATE INDEX `key_rotations_running` ON `key_rotations` (`touched_at`) WHERE done_at IS NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `secret_hmac_kid` text;--> statement-breakpoint
-- Secrets stored before are HMAC digests under the key configured then (a bare key: id 0).
UPDATE `clients` SET `secret_hmac_kid` = '0';
