/* Element tests of what the connection split fixed (issue "One connection,
 * one object"): every outcome reported on the bus also when the element
 * stops, one message builder for failures, a flag in the frame that
 * completes the negotiation, control characters in protocol ids, settings
 * copied when the connection starts, and dial-on-request's default with
 * peer-address.  Over real webrtcbins on 127.0.0.1 (harness.h).
 *
 * Byte strings follow ../shared/spec/mss-webrtc-reference.md section f. */
#include "harness.h"

static gint
bus_error_code (const GstStructure * s)
{
  GError *err = NULL;
  gint code;

  g_assert_true (gst_structure_get (s, "error", G_TYPE_ERROR, &err, NULL));
  code = err->code;
  g_error_free (err);
  return code;
}

/* docs/element.md: every opened substream gets exactly one closed, every
 * outbound one exactly one opened or failed, with its bus message, also
 * when the element stops. */
static void
test_stop_reports_on_bus (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  guint open_id, waiting_id;
  const GstStructure *s;
  GstPad *pad;
  Event *e;

  harness_start (h);
  g_signal_emit_by_name (h->a, "open-substream", ECHO_P, NULL, &open_id);
  g_assert_nonnull (wait_event (h, 'a', 'o', 0));
  /* a lazy dialer's opened comes with its proposal: b's side opens once
   * the proposal arrived (stopped before, b has no substream to report:
   * seen under ASan beside a busy machine) */
  g_assert_nonnull (wait_event (h, 'b', 'o', 0));
  gst_element_set_state (h->pipe, GST_STATE_NULL);

  e = wait_event (h, 'a', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->id, ==, open_id);
  s = wait_bus_id (h, 'a', "libp2p-substream-closed", open_id);
  g_assert_nonnull (s);
  g_assert_cmpint (bus_error_code (s), ==, GST_LIBP2P_ERROR_STOPPED);
  /* the remote side's substream ends too, with its own report */
  g_assert_nonnull (wait_event (h, 'b', 'c', 0));
  g_assert_cmpuint (count_events (h, 'a', 'c'), ==, 1);
  harness_free (h);

  /* an outbound substream still negotiating: one failed, on the bus too */
  h = harness_new (ECHO_P, NULL, TRUE);
  h->raw_on_message = raw_reply_first;  /* h->user NULL: never answers */
  harness_start (h);
  g_signal_emit_by_name (h->a, "open-substream", ECHO_P, NULL, &waiting_id);
  g_assert_true (raw_wait_rx (h, 0, 36));
  gst_element_set_state (h->pipe, GST_STATE_NULL);
  s = wait_bus_id (h, 'a', "libp2p-substream-failed", waiting_id);
  g_assert_nonnull (s);
  g_assert_cmpint (bus_error_code (s), ==, GST_LIBP2P_ERROR_STOPPED);
  g_assert_cmpuint (count_events (h, 'a', 'f'), ==, 1);
  g_assert_cmpuint (count_events (h, 'a', 'o'), ==, 0);
  harness_free (h);

  /* one that never got a channel: a requested sink pad waiting for a
   * connection that never comes up (no offer is made) */
  h = harness_new (ECHO_P, ECHO_P, FALSE);
  g_object_set (h->a, "dial-on-request", TRUE, NULL);
  pad = gst_element_request_pad_simple (h->a, "sink_" ECHO_K "_0");
  g_assert_nonnull (pad);
  gst_element_set_state (h->pipe, GST_STATE_PLAYING);
  gst_element_get_state (h->pipe, NULL, NULL, GST_CLOCK_TIME_NONE);
  gst_element_set_state (h->pipe, GST_STATE_NULL);
  e = wait_event (h, 'a', 'f', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_STOPPED);
  s = wait_bus_id (h, 'a', "libp2p-substream-failed", e->id);
  g_assert_nonnull (s);
  g_assert_cmpint (bus_error_code (s), ==, GST_LIBP2P_ERROR_STOPPED);
  gst_object_unref (pad);
  harness_free (h);
}

static gint
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* Field names of a structure (but the harness's "side"), sorted, joined. */
static gchar *
sorted_fields (const GstStructure * s)
{
  GPtrArray *names = g_ptr_array_new ();
  gchar *joined;
  gint i;

  for (i = 0; i < gst_structure_n_fields (s); i++)
    if (!g_str_equal (gst_structure_nth_field_name (s, i), "side"))
      g_ptr_array_add (names, (gpointer) gst_structure_nth_field_name (s, i));
  g_ptr_array_sort (names, cmp_names);
  g_ptr_array_add (names, NULL);
  joined = g_strjoinv (",", (gchar **) names->pdata);
  g_ptr_array_unref (names);
  return joined;
}

/* One builder: a failure reported at once (not connected) and one reported
 * later (refused) carry the same fields. */
static void
test_failed_message_fields (void)
{
  Harness *h = raw_harness ("1a 12 18 " HDR NA_M);      /* D11: refused */
  const GstStructure *now, *later;
  g_autofree gchar *f_now = NULL;
  g_autofree gchar *f_later = NULL;
  GstElement *idle = gst_element_factory_make ("libp2pwebrtcbin", NULL);
  GstElement *pipe = gst_pipeline_new (NULL);
  GstBus *bus = gst_pipeline_get_bus (GST_PIPELINE (pipe));
  GstMessage *msg;
  guint id;

  g_assert_cmpint (dial_raw (h, NULL), ==, GST_LIBP2P_ERROR_REFUSED);
  later = wait_bus (h, 'a', "libp2p-substream-failed");
  g_assert_nonnull (later);

  gst_bin_add (GST_BIN (pipe), idle);
  g_signal_emit_by_name (idle, "open-substream", ECHO_P, NULL, &id);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  g_assert_nonnull (msg);
  now = gst_message_get_structure (msg);
  g_assert_true (gst_structure_has_name (now, "libp2p-substream-failed"));
  f_now = sorted_fields (now);
  f_later = sorted_fields (later);
  g_assert_cmpstr (f_now, ==, f_later);
  g_assert_cmpstr (f_now, ==, "bytes-in,bytes-out,channel-id,direction,"
      "error,id,protocol");
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  harness_free (h);
}

/* mss-webrtc-reference.md b.2: the listener's header + confirmation +
 * first bytes + FIN in ONE frame: the message is processed first (opened,
 * "hi" delivered), then the FIN (EOS after the data, FIN_ACK sent). */
static void
test_flag_in_confirming_frame (void)
{
  Rx *rx = rx_new ();
  /* 08 00 = flag FIN, 12 23 = message of 35 bytes */
  Harness *h = raw_harness_rx ("27 08 00 12 23 " HDR ECHO_M "68 69", rx);
  GByteArray *got;

  g_assert_cmpint (dial_raw (h, NULL), ==, -1);
  g_assert_true (rx_wait (rx, 2, TRUE));
  g_assert_cmpmem (rx->data->data, rx->data->len, "hi", 2);
  /* after our 36-byte proposal frame: FIN_ACK */
  g_assert_true (raw_wait_rx (h, 0, 36 + 3));
  got = g_ptr_array_index (h->raw_rx, 0);
  g_assert_cmpmem (got->data + 36, 3, "\x02\x08\x03", 3);
  harness_free (h);
  rx_free (rx);
}

/* The same as listener: header + proposal + data + FIN in one frame. */
static void
test_flag_in_proposing_frame (void)
{
  Harness *h = harness_new (ECHO_P, NULL, TRUE);
  Rx *rx = rx_new ();
  GstWebRTCDataChannel *ch;
  GByteArray *got;

  link_src_to_rx (h->a, rx);
  harness_start (h);
  ch = raw_open_channel (h);
  raw_send_hex (ch, "2a 08 00 12 26 " HDR ECHO_M "68 65 6c 6c 6f");
  g_assert_nonnull (wait_event (h, 'a', 'o', 0));
  g_assert_true (rx_wait (rx, 5, TRUE));
  g_assert_cmpmem (rx->data->data, rx->data->len, "hello", 5);
  /* our answer (header + echo, 36 bytes), then FIN_ACK */
  g_assert_true (raw_wait_rx (h, 0, 36 + 3));
  got = g_ptr_array_index (h->raw_rx, 0);
  g_assert_cmpmem (got->data + 36, 3, "\x02\x08\x03", 3);
  g_object_unref (ch);
  harness_free (h);
  rx_free (rx);
}

static gboolean
accept_anything (GstElement * el, const gchar * protocol, gint * calls)
{
  g_atomic_int_inc (calls);
  return TRUE;
}

/* "/echo/1.0.0\r" is no protocol id: the core answers na; the application's
 * accept-protocol handler (which would accept anything) never sees it. */
static void
test_control_character_refused_before_application (void)
{
  Harness *h = harness_new (ECHO_P, NULL, TRUE);
  GstWebRTCDataChannel *ch;
  GByteArray *got;
  gint calls = 0;
  g_autoptr (GBytes) want = NULL;

  g_signal_connect (h->a, "accept-protocol", G_CALLBACK (accept_anything),
      &calls);
  harness_start (h);
  ch = raw_open_channel (h);
  raw_send_hex (ch, "24 12 22 " HDR
      "0d 2f 65 63 68 6f 2f 31 2e 30 2e 30 0d 0a");
  /* header echoed + na, one frame of 27 bytes */
  g_assert_true (raw_wait_rx (h, 0, 27));
  got = g_ptr_array_index (h->raw_rx, 0);
  {
    const guint8 expect[] = { 0x1a, 0x12, 0x18, 0x13, '/', 'm', 'u', 'l',
      't', 'i', 's', 't', 'r', 'e', 'a', 'm', '/', '1', '.', '0', '.', '0',
      '\n', 0x03, 'n', 'a', '\n'
    };
    g_assert_cmpmem (got->data, 27, expect, sizeof (expect));
  }
  g_assert_cmpint (g_atomic_int_get (&calls), ==, 0);
  g_assert_cmpuint (count_events (h, 'a', 'o'), ==, 0);
  g_object_unref (ch);
  harness_free (h);
}

/* The raw peer answers each channel's first message after 300 ms. */
static void
raw_reply_slowly (Harness * h, GstWebRTCDataChannel * ch, GBytes * msg)
{
  g_usleep (300 * 1000);
  raw_reply_first (h, ch, msg);
}

/* Settings are copied into the connection when it starts: a change while
 * running applies from the next start (the property reads back the new
 * value at once). */
static void
test_settings_copied_at_start (void)
{
  Harness *h = harness_new (ECHO_P, NULL, TRUE);
  guint64 t = 0;

  h->user = (gpointer) ("23 12 21 " HDR ECHO_M);
  h->raw_on_message = raw_reply_slowly;
  harness_start (h);
  /* a 10 ms deadline would fail the 300 ms answer, the running
   * connection's 10 s does not */
  g_object_set (h->a, "negotiation-timeout", 10 * GST_MSECOND, NULL);
  g_object_get (h->a, "negotiation-timeout", &t, NULL);
  g_assert_cmpuint (t, ==, 10 * GST_MSECOND);
  g_assert_cmpint (dial_raw (h, NULL), ==, -1);
  harness_free (h);
}

/* With peer-address the element dials: a requested sink pad opens its
 * substream unless dial-on-request was set FALSE (a gst-launch line needs
 * no dial-on-request=true). */
static void
test_dial_on_request_default (void)
{
  GstElement *e = gst_element_factory_make ("libp2pwebrtcbin", NULL);
  gboolean dial = TRUE;

  g_object_get (e, "dial-on-request", &dial, NULL);
  g_assert_false (dial);
  g_object_set (e, "peer-address", "/ip4/127.0.0.1/udp/9/webrtc-direct/"
      "certhash/uEiAw_J9GnCB0Gd_dCqtfJ6hslzyU5AVI25N1zKLpFZc7mQ", NULL);
  g_object_get (e, "dial-on-request", &dial, NULL);
  g_assert_true (dial);
  g_object_set (e, "dial-on-request", FALSE, NULL);
  g_object_get (e, "dial-on-request", &dial, NULL);
  g_assert_false (dial);
  gst_object_unref (e);
}

/* ls lists what the element accepts, the ping responder's protocol
 * included (issue "identify, both ways": today ls omitted it). */
static void
test_ls_lists_ping_responder (void)
{
  gboolean responder;

  for (responder = TRUE; responder >= FALSE; responder--) {
    Harness *h = harness_new (ECHO_P, NULL, TRUE);
    GstWebRTCDataChannel *ch;
    GByteArray *got;
    gboolean listed;

    g_object_set (h->a, "ping-responder", responder, NULL);
    harness_start (h);
    ch = raw_open_channel (h);
    /* header + "ls", one frame */
    raw_send_hex (ch, "1a 12 18 " HDR "03 6c 73 0a");
    /* our header (20 bytes after the 3-byte frame head) and the answer,
     * which lists /echo/1.0.0 (12 bytes with its newline) at least: one
     * frame, one data-channel message, so all of it is there then */
    g_assert_true (raw_wait_rx (h, 0, 3 + 20 + 13));
    g_mutex_lock (&h->lock);
    got = g_ptr_array_index (h->raw_rx, 0);
    g_assert_nonnull (g_strstr_len ((const gchar *) got->data, got->len,
            "/echo/1.0.0\n"));
    listed = g_strstr_len ((const gchar *) got->data, got->len,
        "/ipfs/ping/1.0.0\n") != NULL;
    g_mutex_unlock (&h->lock);
    g_assert_cmpint (listed, ==, responder);
    g_object_unref (ch);
    harness_free (h);
  }
}

/* @name's pad on @el (a reference), waiting at most WAIT_S for it to come
 * (@present) or go. */
static gboolean
wait_pad (GstElement * el, const gchar * name, gboolean present)
{
  gint64 end = deadline_s (WAIT_S);

  for (;;) {
    GstPad *p = gst_element_get_static_pad (el, name);

    if (p)
      gst_object_unref (p);
    if ((p != NULL) == present)
      return TRUE;
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (5 * 1000);
  }
}

/* A lazy dial's src pad comes when the proposal went out (it is writable
 * then), substream-opened when the confirmation arrives; a refusal removes
 * the pad and reports failed, never opened. */
static void
test_lazy_pad_before_confirmation (void)
{
  Harness *h = harness_new (ECHO_P, NULL, TRUE);
  guint id;
  Event *e;

  h->raw_on_message = raw_reply_first;  /* h->user NULL: stays silent */
  harness_start (h);
  g_signal_emit_by_name (h->a, "open-substream", ECHO_P, NULL, &id);
  g_assert_true (raw_wait_rx (h, 0, 36));
  g_assert_true (wait_pad (h->a, "src_" ECHO_K "_0", TRUE));
  g_assert_cmpuint (count_events (h, 'a', 'o'), ==, 0);
  raw_send_hex (raw_wait_channel (h, 0), "23 12 21 " HDR ECHO_M);
  e = wait_event (h, 'a', 'o', 0);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->id, ==, id);
  g_assert_cmpstr (GST_PAD_NAME (e->pad), ==, "src_" ECHO_K "_0");

  /* the next one is refused: its pad goes, the outcome is failed */
  g_signal_emit_by_name (h->a, "open-substream", ECHO_P, NULL, &id);
  g_assert_true (raw_wait_rx (h, 1, 36));
  g_assert_true (wait_pad (h->a, "src_" ECHO_K "_1", TRUE));
  raw_send_hex (raw_wait_channel (h, 1), "1a 12 18 " HDR NA_M);
  e = wait_outcome (h, 'a', id);
  g_assert_nonnull (e);
  g_assert_cmpint (e->kind, ==, 'f');
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_REFUSED);
  g_assert_true (wait_pad (h->a, "src_" ECHO_K "_1", FALSE));
  harness_free (h);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lifecycle/stop-reports-on-bus",
      test_stop_reports_on_bus);
  g_test_add_func ("/lifecycle/failed-message-fields",
      test_failed_message_fields);
  g_test_add_func ("/lifecycle/flag-in-confirming-frame",
      test_flag_in_confirming_frame);
  g_test_add_func ("/lifecycle/flag-in-proposing-frame",
      test_flag_in_proposing_frame);
  g_test_add_func ("/lifecycle/control-character-refused",
      test_control_character_refused_before_application);
  g_test_add_func ("/lifecycle/settings-copied-at-start",
      test_settings_copied_at_start);
  g_test_add_func ("/lifecycle/dial-on-request-default",
      test_dial_on_request_default);
  g_test_add_func ("/lifecycle/lazy-pad-before-confirmation",
      test_lazy_pad_before_confirmation);
  g_test_add_func ("/lifecycle/ls-lists-ping-responder",
      test_ls_lists_ping_responder);
  return harness_exit (g_test_run ());
}
