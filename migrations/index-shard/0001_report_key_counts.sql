-- report_key_counts follows report_keys: how many active reports carry each key. A check
-- reads a key's count before its rows and skips a key that is common among reports
-- (src/domain/reports/network-index.ts). Triggers keep the count exact in the same
-- transaction as the keys, and a repeated insert (OR IGNORE) counts nothing twice.
CREATE TRIGGER `report_keys_counted` AFTER INSERT ON `report_keys` BEGIN
  INSERT INTO `report_key_counts` (`key`, `reports`) VALUES (NEW.`key`, 1)
  ON CONFLICT (`key`) DO UPDATE SET `reports` = `reports` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `report_keys_uncounted` AFTER DELETE ON `report_keys` BEGIN
  UPDATE `report_key_counts` SET `reports` = `reports` - 1 WHERE `key` = OLD.`key`;
  DELETE FROM `report_key_counts` WHERE `key` = OLD.`key` AND `reports` <= 0;
END;
