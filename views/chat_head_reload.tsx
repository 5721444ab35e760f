/**
 * Live: makes an open chat fetch its head again (members changed). The
 * head depends on who looks (what they may do), so each browser asks.
 */
export function ChatHeadReload({ chatId }: { chatId: number }) {
  const target = `#chat-head-${chatId}`;
  return (
    <hx-partial hx-target={target} hx-swap="beforeend">
      <i
        class="reload"
        hidden
        hx-get={`/chats/${chatId}/head`}
        hx-trigger="load"
        hx-target={target}
        hx-swap="outerHTML"
      >
      </i>
    </hx-partial>
  );
}
