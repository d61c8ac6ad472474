ALTER TABLE `users` ADD `token_hmac_kid` text;--> statement-breakpoint
CREATE INDEX `users_with_hmac_tokens` ON `users` (`token_hmac_kid`) WHERE token_hmac_kid IS NOT NULL;--> statement-breakpoint
-- Tokens stored before are HMAC digests under the key configured then (a bare key: id 0).
UPDATE `users` SET `token_hmac_kid` = '0';
