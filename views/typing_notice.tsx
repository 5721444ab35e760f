/**
 * "Ana is replying…" above a conversation's composer (collision detection).
 * The live stream fills it; static/app.js clears it when it goes stale.
 */
export function typingNoticeId(conversationId: number) {
  return `typing-${conversationId}`;
}

/** The empty holder in the thread. */
export function TypingNotice({ conversationId }: { conversationId: number }) {
  return (
    <p
      id={typingNoticeId(conversationId)}
      class="typing"
      role="status"
      aria-live="polite"
    >
    </p>
  );
}
