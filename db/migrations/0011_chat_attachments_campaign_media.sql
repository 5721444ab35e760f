CREATE TABLE `chat_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chat_message_id` integer NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`filename` text DEFAULT '' NOT NULL,
	`storage_key` text NOT NULL,
	`thumbnail_key` text,
	`is_voice_note` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`chat_message_id`) REFERENCES `chat_messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `chat_attachments_message_idx` ON `chat_attachments` (`chat_message_id`);--> statement-breakpoint
ALTER TABLE `campaigns` ADD `media_storage_key` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `media_content_type` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `media_filename` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `media_size` integer;