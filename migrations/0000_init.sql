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
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `beacon_users_by_client_user_id` ON `beacon_users` (`program_id`,`client_user_id`);--> statement-breakpoint
CREATE TABLE `clients` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`secret_digest` text NOT NULL,
	`webhook_url` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clients_id_unique` ON `clients` (`id`);--> statement-breakpoint
CREATE TABLE `programs` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`name` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `programs_id_unique` ON `programs` (`id`);--> statement-breakpoint
CREATE INDEX `programs_by_client` ON `programs` (`client_id`,`seq`);--> statement-breakpoint
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
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_id_unique` ON `webhook_events` (`id`);--> statement-breakpoint
CREATE INDEX `webhook_events_by_client` ON `webhook_events` (`client_id`,`seq`);