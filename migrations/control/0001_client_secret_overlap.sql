ALTER TABLE `clients` ADD `previous_secret_digest` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `previous_secret_expires_at` text;