-- review_queue_counts follows beacon_users: how many users of each program wait in the review
-- queue (status pending_review), per reason. The console reads these counts instead of
-- counting (src/domain/beacon-users/queue.ts). Triggers keep them exact in the same
-- transaction as the users, whoever writes them.
INSERT INTO `review_queue_counts` (`program_id`, `reason`, `client_id`, `users`)
  SELECT `program_id`, coalesce(`status_reason`, ''), min(`client_id`), count(*) FROM `beacon_users`
  WHERE `status` = 'pending_review' GROUP BY `program_id`, coalesce(`status_reason`, '');
--> statement-breakpoint
CREATE TRIGGER `beacon_users_queued` AFTER INSERT ON `beacon_users` WHEN NEW.`status` = 'pending_review' BEGIN
  INSERT INTO `review_queue_counts` (`program_id`, `reason`, `client_id`, `users`)
    VALUES (NEW.`program_id`, coalesce(NEW.`status_reason`, ''), NEW.`client_id`, 1)
    ON CONFLICT (`program_id`, `reason`) DO UPDATE SET `users` = `users` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `beacon_users_dequeued` AFTER UPDATE OF `status`, `status_reason` ON `beacon_users` WHEN OLD.`status` = 'pending_review' BEGIN
  UPDATE `review_queue_counts` SET `users` = `users` - 1 WHERE `program_id` = OLD.`program_id` AND `reason` = coalesce(OLD.`status_reason`, '');
  DELETE FROM `review_queue_counts` WHERE `program_id` = OLD.`program_id` AND `reason` = coalesce(OLD.`status_reason`, '') AND `users` <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `beacon_users_requeued` AFTER UPDATE OF `status`, `status_reason` ON `beacon_users` WHEN NEW.`status` = 'pending_review' BEGIN
  INSERT INTO `review_queue_counts` (`program_id`, `reason`, `client_id`, `users`)
    VALUES (NEW.`program_id`, coalesce(NEW.`status_reason`, ''), NEW.`client_id`, 1)
    ON CONFLICT (`program_id`, `reason`) DO UPDATE SET `users` = `users` + 1;
END;
