/* Unit tests: half-close state machine (gst/libp2p/substream.h).
 * Cases: ../shared/spec/mss-webrtc.md section 4 and table rows 26-28;
 * ../shared/spec/mss-webrtc-reference.md section f "Half-close (H)" and
 * section d; libp2p/specs webrtc/README.md "Closing an RTCDataChannel". */
#include "substream.h"
#include "hex.h"

#define T0 (1000 * G_USEC_PER_SEC)

static void
frame_from_hex (const gchar * h, Lp2pFrame * f, GBytes ** keep)
{
  gsize consumed;

  *keep = hex (h);
  g_assert_cmpint (lp2p_frame_decode (g_bytes_get_data (*keep, NULL),
          g_bytes_get_size (*keep), LP2P_FRAME_DEFAULT_MAX_BODY, f,
          &consumed), ==, LP2P_FRAME_OK);
}

static void
recv_hex (Lp2pSubstream * s, const gchar * h, Lp2pSubstreamActions * act)
{
  g_autoptr (GBytes) keep = NULL;
  Lp2pFrame f;

  frame_from_hex (h, &f, &keep);
  lp2p_substream_on_frame (s, &f, act);
}

static Lp2pSubstream
new_open (void)
{
  Lp2pSubstream s;

  lp2p_substream_init (&s, LP2P_SUBSTREAM_FIN_ACK_TIMEOUT_US);
  g_assert_true (lp2p_substream_can_write (&s));
  g_assert_true (lp2p_substream_can_read (&s));
  g_assert_false (lp2p_substream_is_finished (&s));
  g_assert_cmpint (lp2p_substream_deadline (&s), ==,
      LP2P_SUBSTREAM_NO_DEADLINE);
  return s;
}

/* Plain data is delivered, nothing sent. */
static void
test_data_delivered (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "04 12 02 68 69", &a);
  g_assert_true (a.deliver);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_NONE);
  g_assert_false (a.close_channel);
}

/* Case 26, H1: remote FIN -> EOS event and FIN_ACK once; a duplicate FIN
 * sends nothing more. */
static void
test_h1_remote_fin_acked_once (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "02 08 00", &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_REMOTE_FIN);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_FIN_ACK);
  g_assert_false (a.close_channel);
  g_assert_false (lp2p_substream_can_read (&s));
  g_assert_true (lp2p_substream_can_write (&s));

  recv_hex (&s, "02 08 00", &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_NONE);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);
}

/* H2, H10: local FIN, then FIN_ACK closes the write half only. */
static void
test_h2_local_fin_then_fin_ack (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  lp2p_substream_close_write (&s, T0, &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_FIN);
  g_assert_false (lp2p_substream_can_write (&s));
  g_assert_cmpint (lp2p_substream_deadline (&s), ==,
      T0 + LP2P_SUBSTREAM_FIN_ACK_TIMEOUT_US);

  /* closing twice sends nothing */
  lp2p_substream_close_write (&s, T0, &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);

  recv_hex (&s, "02 08 03", &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_WRITE_CLOSED);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);
  g_assert_false (a.close_channel);
  g_assert_true (lp2p_substream_can_read (&s));
  g_assert_cmpint (lp2p_substream_deadline (&s), ==,
      LP2P_SUBSTREAM_NO_DEADLINE);

  /* data keeps flowing in after our write half closed */
  recv_hex (&s, "04 12 02 68 69", &a);
  g_assert_true (a.deliver);
}

/* Case 27, H3: no FIN_ACK before the deadline: RESET_STREAM, closed,
 * reported; nothing happens before the deadline. */
static void
test_h3_fin_ack_timeout (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;
  gint64 dl;

  lp2p_substream_close_write (&s, T0, &a);
  dl = lp2p_substream_deadline (&s);
  lp2p_substream_on_timeout (&s, dl - 1, &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_NONE);
  g_assert_false (a.close_channel);
  lp2p_substream_on_timeout (&s, dl, &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_FIN_ACK_TIMEOUT);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_RESET_STREAM);
  g_assert_true (a.close_channel);
  g_assert_true (lp2p_substream_is_finished (&s));
}

/* H4: FIN_ACK without our FIN is a violation: reset. */
static void
test_h4_fin_ack_without_fin (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "02 08 03", &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_VIOLATION);
  g_assert_nonnull (a.reason);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_RESET_STREAM);
  g_assert_true (a.close_channel);
}

/* H5: FIN with a payload: the payload first, then EOS. */
static void
test_h5_fin_with_payload (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "07 08 00 12 03 62 79 65", &a);
  g_assert_true (a.deliver);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_REMOTE_FIN);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_FIN_ACK);
}

/* Case 28, H6: data after the remote FIN is a violation: reset, not
 * delivered. */
static void
test_h6_data_after_fin (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "02 08 00", &a);
  recv_hex (&s, "05 12 03 62 79 65", &a);
  g_assert_false (a.deliver);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_VIOLATION);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_RESET_STREAM);
  g_assert_true (a.close_channel);
  g_assert_false (lp2p_substream_can_write (&s));
}

/* H7: STOP_SENDING: writes end, no RESET in reply; a FIN is still
 * possible... and not needed: the write half counts as finished. */
static void
test_h7_stop_sending (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "02 08 01", &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_STOP_SENDING);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);
  g_assert_false (a.close_channel);
  g_assert_false (lp2p_substream_can_write (&s));
  g_assert_true (lp2p_substream_can_read (&s));

  /* then the remote finishes writing: both halves done */
  recv_hex (&s, "02 08 00", &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_FIN_ACK);
  g_assert_true (a.close_channel);
  g_assert_true (lp2p_substream_is_finished (&s));
}

/* H8: RESET_STREAM ends both halves and closes the channel, no reply. */
static void
test_h8_remote_reset (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "07 08 02 12 03 62 79 65", &a);
  g_assert_false (a.deliver);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_REMOTE_RESET);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);
  g_assert_true (a.close_channel);
  g_assert_false (lp2p_substream_can_write (&s));
  g_assert_false (lp2p_substream_can_read (&s));

  /* anything later is ignored */
  recv_hex (&s, "04 12 02 68 69", &a);
  g_assert_false (a.deliver);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_NONE);
}

/* H9: simultaneous close: both FIN, both FIN_ACK, then closed, no RESET. */
static void
test_h9_simultaneous_close (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  lp2p_substream_close_write (&s, T0, &a);
  recv_hex (&s, "02 08 00", &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_FIN_ACK);
  g_assert_false (a.close_channel);
  recv_hex (&s, "02 08 03", &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);
  g_assert_true (a.close_channel);
  g_assert_true (lp2p_substream_is_finished (&s));
  g_assert_cmpint (lp2p_substream_deadline (&s), ==,
      LP2P_SUBSTREAM_NO_DEADLINE);
}

/* The order "remote FIN first, then our FIN + FIN_ACK" closes too. */
static void
test_remote_fin_then_local_close (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  recv_hex (&s, "02 08 00", &a);
  lp2p_substream_close_write (&s, T0, &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_FIN);
  g_assert_false (lp2p_substream_is_finished (&s));
  recv_hex (&s, "02 08 03", &a);
  g_assert_true (a.close_channel);
}

/* Local STOP_SENDING: later data is dropped, but flags still count so the
 * FIN_ACK gets through (spec: keep processing flags). */
static void
test_stop_reading_keeps_flags (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  lp2p_substream_stop_reading (&s, &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_STOP_SENDING);
  g_assert_false (a.close_channel);
  recv_hex (&s, "04 12 02 68 69", &a);
  g_assert_false (a.deliver);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_NONE);
  lp2p_substream_close_write (&s, T0, &a);
  recv_hex (&s, "02 08 03", &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_WRITE_CLOSED);
  g_assert_true (a.close_channel);
}

/* Local reset: RESET_STREAM once, channel closed; a second reset is a
 * no-op. */
static void
test_local_reset (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  lp2p_substream_reset (&s, &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_RESET_STREAM);
  g_assert_true (a.close_channel);
  lp2p_substream_reset (&s, &a);
  g_assert_cmpint (a.send_flag, ==, LP2P_FLAG_NONE);
  g_assert_false (a.close_channel);
  /* a timeout after the reset does nothing */
  lp2p_substream_on_timeout (&s, G_MAXINT64 - 1, &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_NONE);
}

/* Flags are values, not bits (litep2p PR #513): FIN_ACK (3) must not look
 * like STOP_SENDING | RESET_STREAM. */
static void
test_fin_ack_is_not_other_flags (void)
{
  Lp2pSubstream s = new_open ();
  Lp2pSubstreamActions a;

  lp2p_substream_close_write (&s, T0, &a);
  recv_hex (&s, "02 08 03", &a);
  g_assert_cmpint (a.event, ==, LP2P_SUBSTREAM_EVENT_WRITE_CLOSED);
  g_assert_true (lp2p_substream_can_read (&s));
  g_assert_false (a.close_channel);
}

static void
test_event_names (void)
{
  gint e;

  for (e = LP2P_SUBSTREAM_EVENT_NONE; e <= LP2P_SUBSTREAM_EVENT_VIOLATION; e++)
    g_assert_cmpstr (lp2p_substream_event_to_string (e), !=, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/substream/data-delivered", test_data_delivered);
  g_test_add_func ("/substream/h1-remote-fin-acked-once",
      test_h1_remote_fin_acked_once);
  g_test_add_func ("/substream/h2-local-fin-then-fin-ack",
      test_h2_local_fin_then_fin_ack);
  g_test_add_func ("/substream/h3-fin-ack-timeout", test_h3_fin_ack_timeout);
  g_test_add_func ("/substream/h4-fin-ack-without-fin",
      test_h4_fin_ack_without_fin);
  g_test_add_func ("/substream/h5-fin-with-payload", test_h5_fin_with_payload);
  g_test_add_func ("/substream/h6-data-after-fin", test_h6_data_after_fin);
  g_test_add_func ("/substream/h7-stop-sending", test_h7_stop_sending);
  g_test_add_func ("/substream/h8-remote-reset", test_h8_remote_reset);
  g_test_add_func ("/substream/h9-simultaneous-close",
      test_h9_simultaneous_close);
  g_test_add_func ("/substream/remote-fin-then-local-close",
      test_remote_fin_then_local_close);
  g_test_add_func ("/substream/stop-reading-keeps-flags",
      test_stop_reading_keeps_flags);
  g_test_add_func ("/substream/local-reset", test_local_reset);
  g_test_add_func ("/substream/fin-ack-is-not-other-flags",
      test_fin_ack_is_not_other_flags);
  g_test_add_func ("/substream/event-names", test_event_names);
  return g_test_run ();
}
