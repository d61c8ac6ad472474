CREATE TABLE `webhook_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`environment` text NOT NULL,
	`public_jwk` text NOT NULL,
	`private_jwk` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_keys_one_current` ON `webhook_keys` (`environment`) WHERE expires_at IS NULL;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivery_status` text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivery_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `last_attempt_at` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `last_http_status` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `last_error` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `next_attempt_at` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivered_at` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `given_up_at` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `claimed_until` text;--> statement-breakpoint
CREATE INDEX `webhook_events_by_client_status` ON `webhook_events` (`client_id`,`delivery_status`,`seq`);