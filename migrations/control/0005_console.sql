CREATE TABLE `console_sessions` (
	`token_digest` text PRIMARY KEY NOT NULL,
	`dashboard_user_id` text NOT NULL,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `console_sessions_by_user` ON `console_sessions` (`dashboard_user_id`);--> statement-breakpoint
CREATE TABLE `dashboard_user_invitations` (
	`token_digest` text PRIMARY KEY NOT NULL,
	`dashboard_user_id` text NOT NULL,
	`totp_secret` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dashboard_user_invitations_by_user` ON `dashboard_user_invitations` (`dashboard_user_id`);--> statement-breakpoint
CREATE TABLE `dashboard_users` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`email` text NOT NULL,
	`email_digest` text NOT NULL,
	`role` text NOT NULL,
	`status` text NOT NULL,
	`password_hash` text,
	`totp_secret` text,
	`totp_last_step` integer,
	`invited_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dashboard_users_id_unique` ON `dashboard_users` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `dashboard_users_one_per_email` ON `dashboard_users` (`client_id`,`email_digest`);--> statement-breakpoint
CREATE INDEX `dashboard_users_by_email` ON `dashboard_users` (`email_digest`);--> statement-breakpoint
CREATE INDEX `dashboard_users_by_client` ON `dashboard_users` (`client_id`,`seq`);--> statement-breakpoint
CREATE TABLE `sign_in_throttles` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_started_at` text NOT NULL,
	`blocked_until` text
);
