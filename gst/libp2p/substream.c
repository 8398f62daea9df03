/* gst-libp2p: half-close state machine; see substream.h */
#include "substream.h"

#include <string.h>

static void
actions_init (Lp2pSubstreamActions * act)
{
  memset (act, 0, sizeof (*act));
  act->send_flag = LP2P_FLAG_NONE;
}

void
lp2p_substream_init (Lp2pSubstream * s, gint64 fin_ack_timeout_us)
{
  s->write = LP2P_WRITE_OPEN;
  s->read = LP2P_READ_OPEN;
  s->fin_ack_deadline = LP2P_SUBSTREAM_NO_DEADLINE;
  s->fin_ack_timeout = fin_ack_timeout_us;
}

static gboolean
write_finished (const Lp2pSubstream * s)
{
  return s->write == LP2P_WRITE_CLOSED || s->write == LP2P_WRITE_STOPPED ||
      s->write == LP2P_WRITE_RESET;
}

static gboolean
read_finished (const Lp2pSubstream * s)
{
  return s->read != LP2P_READ_OPEN;
}

gboolean
lp2p_substream_is_finished (const Lp2pSubstream * s)
{
  return s->write == LP2P_WRITE_RESET || s->read == LP2P_READ_RESET ||
      (write_finished (s) && read_finished (s));
}

static void
do_reset (Lp2pSubstream * s, Lp2pSubstreamActions * act, gboolean send)
{
  s->write = LP2P_WRITE_RESET;
  s->read = LP2P_READ_RESET;
  s->fin_ack_deadline = LP2P_SUBSTREAM_NO_DEADLINE;
  act->deliver = FALSE;
  act->send_flag = send ? LP2P_FLAG_RESET_STREAM : LP2P_FLAG_NONE;
  act->close_channel = TRUE;
}

static void
violation (Lp2pSubstream * s, Lp2pSubstreamActions * act, const gchar * why)
{
  do_reset (s, act, TRUE);
  act->event = LP2P_SUBSTREAM_EVENT_VIOLATION;
  act->reason = why;
}

void
lp2p_substream_on_frame (Lp2pSubstream * s, const Lp2pFrame * frame,
    Lp2pSubstreamActions * act)
{
  actions_init (act);

  if (s->write == LP2P_WRITE_RESET) {
    /* Already torn down: nothing more to do with this channel. */
    return;
  }

  if (frame->size > 0) {
    if (s->read == LP2P_READ_FIN_RECEIVED) {
      violation (s, act, "data after FIN");
      return;
    }
    /* After our STOP_SENDING the data is dropped, but flags still count
     * (spec: keep processing flags so FIN_ACK gets through). */
    act->deliver = s->read == LP2P_READ_OPEN;
  }
  if (!frame->has_flag)
    return;

  switch (frame->flag) {
    case LP2P_FLAG_FIN:
      if (s->read == LP2P_READ_OPEN || s->read == LP2P_READ_STOP_SENT) {
        gboolean was_open = s->read == LP2P_READ_OPEN;

        s->read = LP2P_READ_FIN_RECEIVED;
        act->send_flag = LP2P_FLAG_FIN_ACK;
        if (was_open)
          act->event = LP2P_SUBSTREAM_EVENT_REMOTE_FIN;
      }
      break;
    case LP2P_FLAG_STOP_SENDING:
      if (s->write == LP2P_WRITE_OPEN) {
        s->write = LP2P_WRITE_STOPPED;
        act->event = LP2P_SUBSTREAM_EVENT_STOP_SENDING;
      }
      break;
    case LP2P_FLAG_RESET_STREAM:
      do_reset (s, act, FALSE);
      act->event = LP2P_SUBSTREAM_EVENT_REMOTE_RESET;
      return;
    case LP2P_FLAG_FIN_ACK:
      if (s->write == LP2P_WRITE_FIN_SENT) {
        s->write = LP2P_WRITE_CLOSED;
        s->fin_ack_deadline = LP2P_SUBSTREAM_NO_DEADLINE;
        act->event = LP2P_SUBSTREAM_EVENT_WRITE_CLOSED;
      } else if (s->write == LP2P_WRITE_OPEN) {
        violation (s, act, "FIN_ACK without FIN");
        return;
      }
      break;
  }
  act->close_channel = lp2p_substream_is_finished (s);
}

void
lp2p_substream_close_write (Lp2pSubstream * s, gint64 now,
    Lp2pSubstreamActions * act)
{
  actions_init (act);
  if (s->write != LP2P_WRITE_OPEN)
    return;
  s->write = LP2P_WRITE_FIN_SENT;
  s->fin_ack_deadline = now + s->fin_ack_timeout;
  act->send_flag = LP2P_FLAG_FIN;
}

void
lp2p_substream_stop_reading (Lp2pSubstream * s, Lp2pSubstreamActions * act)
{
  actions_init (act);
  if (s->read != LP2P_READ_OPEN)
    return;
  s->read = LP2P_READ_STOP_SENT;
  act->send_flag = LP2P_FLAG_STOP_SENDING;
  act->close_channel = lp2p_substream_is_finished (s);
}

void
lp2p_substream_reset (Lp2pSubstream * s, Lp2pSubstreamActions * act)
{
  actions_init (act);
  if (s->write == LP2P_WRITE_RESET)
    return;
  do_reset (s, act, TRUE);
}

void
lp2p_substream_on_timeout (Lp2pSubstream * s, gint64 now,
    Lp2pSubstreamActions * act)
{
  actions_init (act);
  if (s->write != LP2P_WRITE_FIN_SENT || now < s->fin_ack_deadline)
    return;
  do_reset (s, act, TRUE);
  act->event = LP2P_SUBSTREAM_EVENT_FIN_ACK_TIMEOUT;
}

gint64
lp2p_substream_deadline (const Lp2pSubstream * s)
{
  return s->fin_ack_deadline;
}

gboolean
lp2p_substream_can_write (const Lp2pSubstream * s)
{
  return s->write == LP2P_WRITE_OPEN;
}

gboolean
lp2p_substream_can_read (const Lp2pSubstream * s)
{
  return s->read == LP2P_READ_OPEN;
}

const gchar *
lp2p_substream_event_to_string (Lp2pSubstreamEvent event)
{
  switch (event) {
    case LP2P_SUBSTREAM_EVENT_NONE:
      return "none";
    case LP2P_SUBSTREAM_EVENT_REMOTE_FIN:
      return "remote FIN";
    case LP2P_SUBSTREAM_EVENT_WRITE_CLOSED:
      return "FIN acknowledged";
    case LP2P_SUBSTREAM_EVENT_STOP_SENDING:
      return "remote STOP_SENDING";
    case LP2P_SUBSTREAM_EVENT_REMOTE_RESET:
      return "remote RESET_STREAM";
    case LP2P_SUBSTREAM_EVENT_FIN_ACK_TIMEOUT:
      return "no FIN_ACK before the timeout";
    case LP2P_SUBSTREAM_EVENT_VIOLATION:
      return "protocol violation";
  }
  return "unknown";
}
