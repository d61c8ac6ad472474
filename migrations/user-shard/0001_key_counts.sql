-- key_counts follows blocking_keys: how many users of each program carry each key. The
-- checks and the fan-out read a key's count before its rows and skip a key that is common
-- in the program (src/domain/blocking-index.ts). Triggers keep the count exact in the same
-- transaction as the keys, whoever writes them.
CREATE TRIGGER `blocking_keys_counted` AFTER INSERT ON `blocking_keys` BEGIN
  INSERT INTO `key_counts` (`key`, `program_id`, `client_id`, `users`) VALUES (NEW.`key`, NEW.`program_id`, NEW.`client_id`, 1)
  ON CONFLICT (`key`, `program_id`) DO UPDATE SET `users` = `users` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `blocking_keys_uncounted` AFTER DELETE ON `blocking_keys` BEGIN
  UPDATE `key_counts` SET `users` = `users` - 1 WHERE `key` = OLD.`key` AND `program_id` = OLD.`program_id`;
  DELETE FROM `key_counts` WHERE `key` = OLD.`key` AND `program_id` = OLD.`program_id` AND `users` <= 0;
END;
