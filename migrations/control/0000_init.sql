CREATE TABLE `clients` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`secret_digest` text NOT NULL,
	`webhook_url` text,
	`disabled` integer DEFAULT false NOT NULL,
	`home_shard` integer NOT NULL,
	`program_shard` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clients_id_unique` ON `clients` (`id`);--> statement-breakpoint
CREATE TABLE `fanout_dead_letters` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`report_id` text NOT NULL,
	`page` text NOT NULL,
	`created_at` text NOT NULL,
	`retried_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fanout_dead_letters_id_unique` ON `fanout_dead_letters` (`id`);--> statement-breakpoint
CREATE TABLE `programs` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`name` text NOT NULL,
	`settings` text NOT NULL,
	`shard` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `programs_id_unique` ON `programs` (`id`);--> statement-breakpoint
CREATE INDEX `programs_by_client` ON `programs` (`client_id`,`seq`);--> statement-breakpoint
CREATE INDEX `programs_by_shard` ON `programs` (`shard`);--> statement-breakpoint
CREATE TABLE `webhook_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`environment` text NOT NULL,
	`public_jwk` text NOT NULL,
	`private_jwk` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_keys_one_current` ON `webhook_keys` (`environment`) WHERE expires_at IS NULL;