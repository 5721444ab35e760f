ALTER TABLE `campaigns` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `lease_until` integer;--> statement-breakpoint
CREATE INDEX `campaigns_status_idx` ON `campaigns` (`status`);