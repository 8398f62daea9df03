/* Element tests of the protocols the element serves itself
 * (docs/element.md, "Protocols the element serves itself"): identify
 * (libp2p/specs identify/README.md) answered between two elements, the
 * answer decoded with the core's decoder and checked field by field; off
 * with identify=false; the application's when protocols lists it.  Over
 * real webrtcbins on 127.0.0.1 (harness.h), application signalling. */
#include "harness.h"

#include "identify.h"
#include "peerid.h"
#include "sctp.h"

#define ID_P "/ipfs/id/1.0.0"

/* How many element messages @name @side posted so far. */
static guint
bus_count (Harness * h, gchar side, const gchar * name)
{
  guint i, n = 0;

  g_mutex_lock (&h->lock);
  for (i = 0; i < h->bus_messages->len; i++) {
    const GstStructure *s = g_ptr_array_index (h->bus_messages, i);
    gchar sd = 0;

    gst_structure_get (s, "side", G_TYPE_CHAR, &sd, NULL);
    n += sd == side && gst_structure_has_name (s, name);
  }
  g_mutex_unlock (&h->lock);
  return n;
}

/* b opens /ipfs/id/1.0.0 to a and collects what a sends; returns b's
 * substream id. */
static guint
b_asks_identify (Harness * h, Rx * rx)
{
  guint id = 0;

  link_src_to_rx (h->b, rx);
  harness_start (h);
  g_signal_emit_by_name (h->b, "open-substream", ID_P, NULL, &id);
  return id;
}

/* a answers: one Identify message, then FIN; its fields are what a is */
static void
test_identify_answered (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  g_autofree gchar *peer_a = NULL;
  g_autofree gchar *said = NULL;
  Lp2pIdentify id;
  Lp2pPeerId key_peer;
  g_autoptr (GError) err = NULL;
  const GstStructure *closed;
  Event *e;
  gsize used = 0;
  guint sid;

  g_object_set (h->a, "agent-version", "services-test/3.1", NULL);
  sid = b_asks_identify (h, rx);
  /* each step on its own: which one fails says where the answer stopped */
  e = wait_outcome (h, 'b', sid);
  g_assert_nonnull (e);
  if (e->kind == 'f')
    g_error ("b's identify substream failed (%d): %s", e->code, e->message);
  g_assert_true (rx_wait (rx, 1, FALSE));
  g_assert_true (rx_wait (rx, 1, TRUE));
  g_assert_cmpint (lp2p_identify_read_delimited (rx->data->data,
          rx->data->len, &id, &used, &err), ==, LP2P_IDENTIFY_READ_OK);
  g_assert_no_error (err);
  /* one message, nothing after it */
  g_assert_cmpuint (used, ==, rx->data->len);
  g_assert_cmpstr (id.agent_version, ==, "services-test/3.1");
  g_assert_cmpstr (id.protocol_version, ==, "ipfs/0.1.0");
  g_assert_cmpuint (id.protocols->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (id.protocols, 0), ==, ECHO_P);
  g_assert_cmpstr (g_ptr_array_index (id.protocols, 1), ==,
      "/ipfs/ping/1.0.0");
  g_assert_cmpstr (g_ptr_array_index (id.protocols, 2), ==, ID_P);
  /* the public key is a's identity */
  g_assert_nonnull (id.public_key);
  lp2p_peer_id_from_public_key (g_bytes_get_data (id.public_key, NULL),
      g_bytes_get_size (id.public_key), &key_peer);
  said = lp2p_peer_id_to_string (&key_peer);
  g_object_get (h->a, "peer-id", &peer_a, NULL);
  g_assert_cmpstr (said, ==, peer_a);
  /* a listens nowhere; with application signalling it knows no address */
  g_assert_cmpuint (id.listen_addrs->len, ==, 0);
  g_assert_null (id.observed_addr);
  lp2p_identify_clear (&id);

  /* b's substream ends cleanly: a's FIN, then ours (nobody writes) */
  closed = wait_bus_id (h, 'b', "libp2p-substream-closed", sid);
  g_assert_nonnull (closed);
  g_assert_false (gst_structure_has_field (closed, "error"));
  /* a served it itself: no signal, no pad, no message; and it does not ask
   * b's identify over application signalling */
  g_assert_cmpuint (count_events (h, 'a', 'o'), ==, 0);
  g_assert_null (gst_element_get_static_pad (h->a, "src_ipfs-id-1-0-0_0"));
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-identify"), ==, 0);
  harness_free (h);
  rx_free (rx);
}

/* identify=false: a refuses /ipfs/id/1.0.0 like any protocol it lacks */
static void
test_identify_off (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  Event *e;
  guint sid;

  g_object_set (h->a, "identify", FALSE, NULL);
  sid = b_asks_identify (h, rx);
  e = wait_outcome (h, 'b', sid);
  g_assert_nonnull (e);
  g_assert_cmpint (e->kind, ==, 'f');
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_REFUSED);
  g_assert_cmpuint (rx->data->len, ==, 0);
  harness_free (h);
  rx_free (rx);
}

/* protocols lists /ipfs/id/1.0.0: the application answers, with pads */
static void
test_identify_listed_is_the_application_s (void)
{
  Harness *h = harness_new (ECHO_P "," ID_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  Event *e;

  b_asks_identify (h, rx);
  e = wait_event (h, 'a', 'o', 0);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->protocol, ==, ID_P);
  g_assert_cmpstr (GST_PAD_NAME (e->pad), ==, "src_ipfs-id-1-0-0_0");
  harness_free (h);
  rx_free (rx);
}

/* ---- keepalive (docs/element.md, "How a connection ends") ---- */

#define PING_P "/ipfs/ping/1.0.0"

/* Waits until @el's stats say @field >= @min (bounded). */
static gboolean
stat_wait (GstElement * el, const gchar * field, guint64 min)
{
  gint64 end = deadline_s (WAIT_S);

  while (stat_u64 (el, field) < min)
    if (g_get_monotonic_time () > end)
      return FALSE;
    else
      g_usleep (20 * 1000);
  return TRUE;
}

/* The connection-closed structure @side posted, if any. */
static const GstStructure *
closed_message (Harness * h, gchar side)
{
  return wait_bus (h, side, "libp2p-connection-closed");
}

static void
assert_closed_with (const GstStructure * s, gint code, const gchar * part)
{
  g_autoptr (GError) err = NULL;

  g_assert_nonnull (s);
  g_assert_true (gst_structure_get (s, "error", G_TYPE_ERROR, &err, NULL));
  g_assert_cmpint (err->code, ==, code);
  if (part && !strstr (err->message, part))
    g_error ("'%s' does not say '%s'", err->message, part);
}

/* ping/ping.md: keepalive=on pings every ping-interval on one substream,
 * b's responder echoes, a measures the round trip; the pinger is served
 * inside (no pad, no substream report); a stopped connection reports
 * connection-closed STOPPED once. */
static void
test_keepalive_rtt (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  guint64 rtt;

  g_object_set (h->a, "keepalive", GST_LIBP2P_KEEPALIVE_ON, "ping-interval",
      100 * GST_MSECOND, NULL);
  harness_start (h);
  g_assert_true (stat_wait (h->a, "pongs-received", 5));
  rtt = stat_u64 (h->a, "ping-rtt");
  g_assert_cmpuint (rtt, >, 0);
  g_assert_cmpuint (rtt, <, GST_SECOND);
  g_assert_cmpuint (stat_u64 (h->a, "pings-sent"), >=, 5);
  /* b answered them all on one substream */
  g_assert_cmpuint (stat_u64 (h->b, "pings-answered"), >=, 5);
  /* b's keepalive is off (auto, signalled): a answered nothing */
  g_assert_cmpuint (stat_u64 (h->a, "pings-answered"), ==, 0);
  g_assert_cmpuint (stat_u64 (h->b, "pings-sent"), ==, 0);
  g_assert_cmpuint (count_events (h, 'a', 'o') + count_events (h, 'a', 'f')
      + count_events (h, 'a', 'c'), ==, 0);
  g_assert_cmpuint (count_events (h, 'b', 'o') + count_events (h, 'b', 'f')
      + count_events (h, 'b', 'c'), ==, 0);
  g_assert_null (gst_element_get_static_pad (h->b, "src_ipfs-ping-1-0-0_0"));
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-connection-closed"), ==, 0);
  gst_element_set_state (h->pipe, GST_STATE_NULL);
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-connection-closed"), ==, 1);
  g_assert_cmpuint (bus_count (h, 'b', "libp2p-connection-closed"), ==, 1);
  assert_closed_with (closed_message (h, 'a'), GST_LIBP2P_ERROR_STOPPED,
      NULL);
  g_assert_cmpint (h->pipeline_errors, ==, 0);
  harness_free (h);
}

/* A remote that refuses ping is alive: no loss, the keepalive stops. */
static void
test_keepalive_refused (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);

  g_object_set (h->a, "keepalive", GST_LIBP2P_KEEPALIVE_ON, "ping-interval",
      100 * GST_MSECOND, "ping-timeout", 300 * GST_MSECOND, NULL);
  g_object_set (h->b, "ping-responder", FALSE, NULL);
  harness_start (h);
  /* four ping timeouts long */
  g_usleep (1200 * 1000);
  g_assert_cmpuint (stat_u64 (h->a, "pongs-received"), ==, 0);
  g_assert_cmpuint (stat_u64 (h->a, "pings-sent"), ==, 0);
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-connection-closed"), ==, 0);
  g_assert_cmpint (h->pipeline_errors, ==, 0);
  harness_free (h);
}

static GstPadProbeReturn
drop_when (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  return g_atomic_int_get ((gint *) user_data) ? GST_PAD_PROBE_DROP :
      GST_PAD_PROBE_OK;
}

/* Every nicesrc of @webrtc drops what it receives while *@on. */
static guint
black_hole (GstElement * webrtc, gint * on)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (webrtc));
  GValue v = G_VALUE_INIT;
  guint n = 0;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *el = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (el);

    if (f && g_str_equal (GST_OBJECT_NAME (f), "nicesrc")) {
      GstPad *src = gst_element_get_static_pad (el, "src");

      gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
          GST_PAD_PROBE_TYPE_BUFFER_LIST, drop_when, on, NULL);
      gst_object_unref (src);
      n++;
    }
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return n;
}

/* A remote that goes silent (its packets black-holed) is declared lost
 * within ping-interval + ping-timeout: connection-closed NOT_CONNECTED
 * naming the cause, the open substream ends with exactly one report of
 * that, its src pad gets EOS; no pipeline ERROR (signalled connection). */
static void
test_keepalive_lost (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  static gint hole = 0;
  Rx *rx = rx_new ();
  const GstStructure *s;
  Event *e;
  gint64 t0, took;
  guint id;

  g_atomic_int_set (&hole, 0);
  link_src_to_rx (h->a, rx);
  g_signal_connect (h->b, "pad-added", G_CALLBACK (pad_added_echo), h);
  g_object_set (h->a, "keepalive", GST_LIBP2P_KEEPALIVE_ON, "ping-interval",
      300 * GST_MSECOND, "ping-timeout", 700 * GST_MSECOND, NULL);
  harness_start (h);
  g_assert_cmpuint (black_hole (h->wa, &hole), >=, 1);
  g_signal_emit_by_name (h->a, "open-substream", ECHO_P, NULL, &id);
  e = wait_outcome (h, 'a', id);
  g_assert_nonnull (e);
  g_assert_cmpint (e->kind, ==, 'o');
  g_assert_true (stat_wait (h->a, "pongs-received", 1));
  t0 = g_get_monotonic_time ();
  g_atomic_int_set (&hole, 1);
  s = closed_message (h, 'a');
  took = g_get_monotonic_time () - t0;
  assert_closed_with (s, GST_LIBP2P_ERROR_NOT_CONNECTED,
      "did not answer a ping");
  g_test_message ("silent remote declared lost after %" G_GINT64_FORMAT
      " ms (bound 1000 ms)", took / 1000);
  g_assert_cmpint (took, <=, 1000 * 1000 + 500 * 1000);
  /* the substream: one report, with the connection's cause */
  e = wait_event (h, 'a', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->id, ==, id);
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_NOT_CONNECTED);
  g_assert_true (rx_wait (rx, 0, TRUE));
  g_assert_cmpuint (count_events (h, 'a', 'c') + count_events (h, 'a', 'f'),
      ==, 1);
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-connection-closed"), ==, 1);
  /* the stop reports nothing more for a's lost connection */
  gst_element_set_state (h->pipe, GST_STATE_NULL);
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-connection-closed"), ==, 1);
  g_assert_cmpint (h->pipeline_errors, ==, 0);
  harness_free (h);
  rx_free (rx);
}

/* The first element of @webrtc made by @factory (a reference). */
/* An echo substream a opened, carrying 64 bytes; returns a's sink side. */
static GstPad *
open_echo_with_data (Harness * h, Rx * rx)
{
  GstPad *tp;

  link_src_to_rx (h->a, rx);
  g_signal_connect (h->b, "pad-added", G_CALLBACK (pad_added_echo), h);
  g_object_set (h->a, "dial-on-request", TRUE, NULL);
  harness_start (h);
  tp = test_pad_for (h->a, "sink_" ECHO_K "_0");
  echo_64 (tp, rx);
  return tp;
}

/* What a reports once its connection ended under an open substream: one
 * connection-closed (NOT_CONNECTED, saying @part), the substream's one
 * report, EOS on its src pad, an error flow on its sink pad, no pipeline
 * ERROR (a signalled connection). */
static void
assert_connection_ended (Harness * h, Rx * rx, GstPad * tp,
    const gchar * part)
{
  Event *e;

  assert_closed_with (closed_message (h, 'a'),
      GST_LIBP2P_ERROR_NOT_CONNECTED, part);
  e = wait_event (h, 'a', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_NOT_CONNECTED);
  g_assert_true (rx_wait (rx, 64, TRUE));
  assert_sink_error_flow (tp);
  g_assert_cmpuint (count_events (h, 'a', 'c') + count_events (h, 'a', 'f'),
      ==, 1);
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-connection-closed"), ==, 1);
  g_assert_cmpint (h->pipeline_errors, ==, 0);
}

/* The remote closes its side (its element stops) under an open substream.
 * webrtcbin 1.22 would send nothing a's notices (measured: without
 * keepalive a saw no change within 10 s); the stopping element now sends
 * the SCTP ABORT itself (gstlibp2psctpend.c), so a ends the connection at
 * once, keepalive off. */
static void
test_remote_closes (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  GstPad *tp;
  gint64 t0;

  tp = open_echo_with_data (h, rx);
  t0 = g_get_monotonic_time ();
  gst_element_set_locked_state (h->b, TRUE);
  gst_element_set_state (h->b, GST_STATE_NULL);
  assert_connection_ended (h, rx, tp, "closed");
  g_printerr ("# a saw b's end %.3f s after b began to stop\n",
      (g_get_monotonic_time () - t0) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_USEC_PER_SEC);
  test_pad_free (tp);
  /* b stays locked in NULL: harness_free stops a */
  harness_free (h);
  rx_free (rx);
}

/* An ERROR of one of webrtcbin's elements once the connection is up (what
 * sctpenc posts when the remote went away: "Could not write to resource")
 * is the connection's end, not the pipeline's. */
static void
test_webrtcbin_error_absorbed (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  g_autoptr (GstElement) enc = NULL;
  g_autoptr (GError) err = NULL;
  GstPad *tp;

  tp = open_echo_with_data (h, rx);
  enc = harness_find_child (h->wa, "sctpenc");
  g_assert_nonnull (enc);
  err = g_error_new_literal (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
      "Could not write to resource.");
  gst_element_post_message (enc, gst_message_new_error (GST_OBJECT (enc),
          err, "test"));
  assert_connection_ended (h, rx, tp, "Could not write to resource");
  test_pad_free (tp);
  harness_free (h);
  rx_free (rx);
}

/* The remote ends the association while a creates a channel: usrsctp
 * takes the ABORT (association ERROR: sctpenc refuses new streams) while
 * webrtcbin 1.22 still counts the association as established (sctpenc
 * says so only for a SHUTDOWN), so the channel's link to sctpenc failed
 * and webrtcbin warned (g_warn_if_reached in link_to_sctp; 4 of 8 runs of
 * /direct/dns-name under ASan).  The element holds the remote's ABORT
 * before sctpdec until a creation under way is done (bounded 500 ms).
 * Here a's creation is held inside create-data-channel (its
 * prepare-data-channel) until b's ABORT reached a's sctpdec, and 100 ms
 * more: the warning is fatal, the substream fails as the connection
 * ends. */
typedef struct
{
  GMutex lock;
  GCond cond;
  Harness *h;
  gboolean armed, abort_seen, held;
} AbortRace;

/* an SCTP packet carries an ABORT (the core's chunk walk) */
static gboolean
is_abort (GstBuffer * buf)
{
  GstMapInfo m;
  gboolean found;

  if (!gst_buffer_map (buf, &m, GST_MAP_READ))
    return FALSE;
  found = (lp2p_sctp_chunk_types (m.data, m.size) &
      (1u << LP2P_SCTP_CHUNK_ABORT)) != 0;
  gst_buffer_unmap (buf, &m);
  return found;
}

/* upstream of a's sctpdec: before the element's own probe there */
static GstPadProbeReturn
abort_race_probe (GstPad * pad, GstPadProbeInfo * info, AbortRace * r)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  if (buf && is_abort (buf)) {
    g_mutex_lock (&r->lock);
    r->abort_seen = TRUE;
    g_cond_broadcast (&r->cond);
    g_mutex_unlock (&r->lock);
  }
  return GST_PAD_PROBE_OK;
}

static gpointer
stop_b (gpointer data)
{
  Harness *h = data;

  gst_element_set_state (h->b, GST_STATE_NULL);
  return NULL;
}

/* a's creation, inside create-data-channel: b stops (its ABORT) */
static void
abort_race_prepare (GstElement * w, GObject * dc, gboolean is_local,
    AbortRace * r)
{
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  gboolean armed;

  g_mutex_lock (&r->lock);
  armed = r->armed && is_local;
  r->armed = FALSE;
  g_mutex_unlock (&r->lock);
  if (!armed)
    return;
  gst_element_set_locked_state (r->h->b, TRUE);
  g_thread_unref (g_thread_new ("stop-b", stop_b, r->h));
  g_mutex_lock (&r->lock);
  while (!r->abort_seen && g_cond_wait_until (&r->cond, &r->lock, end));
  r->held = r->abort_seen;
  g_mutex_unlock (&r->lock);
  /* time for usrsctp to take the ABORT, were it not held */
  g_usleep (100 * 1000);
}

static void
test_remote_aborts_while_creating (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  AbortRace r = { 0, };
  g_autoptr (GstElement) dec = NULL;
  GstPad *sink, *up;
  GstPad *tp, *tp2;
  gulong probe;
  Event *e;

  g_mutex_init (&r.lock);
  g_cond_init (&r.cond);
  r.h = h;
  tp = open_echo_with_data (h, rx);
  dec = harness_find_child (h->wa, "sctpdec");
  g_assert_nonnull (dec);
  sink = gst_element_get_static_pad (dec, "sink");
  up = gst_pad_get_peer (sink);
  g_assert_nonnull (up);
  probe = gst_pad_add_probe (up, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) abort_race_probe, &r, NULL);
  g_signal_connect (h->wa, "prepare-data-channel",
      G_CALLBACK (abort_race_prepare), &r);
  g_mutex_lock (&r.lock);
  r.armed = TRUE;
  g_mutex_unlock (&r.lock);
  /* a second substream: its channel is created now, in this thread */
  tp2 = test_pad_for (h->a, "sink_" ECHO_K "_1");
  g_mutex_lock (&r.lock);
  g_assert_true (r.held);
  g_mutex_unlock (&r.lock);
  assert_closed_with (closed_message (h, 'a'),
      GST_LIBP2P_ERROR_NOT_CONNECTED, "closed");
  /* the new substream fails with the connection, the first one closes */
  e = wait_event (h, 'a', 'f', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_NOT_CONNECTED);
  e = wait_event (h, 'a', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (h->pipeline_errors, ==, 0);
  /* the new substream's sink pad, also where its failure came while it
   * was being requested, returns an error */
  assert_sink_error_flow (tp2);
  gst_pad_remove_probe (up, probe);
  g_signal_handlers_disconnect_by_data (h->wa, &r);
  gst_object_unref (up);
  gst_object_unref (sink);
  test_pad_free (tp);
  test_pad_free (tp2);
  harness_free (h);
  rx_free (rx);
  g_mutex_clear (&r.lock);
  g_cond_clear (&r.cond);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/services/identify-answered", test_identify_answered);
  g_test_add_func ("/services/identify-off", test_identify_off);
  g_test_add_func ("/services/identify-listed-is-the-application-s",
      test_identify_listed_is_the_application_s);
  g_test_add_func ("/services/keepalive-rtt", test_keepalive_rtt);
  g_test_add_func ("/services/keepalive-refused", test_keepalive_refused);
  g_test_add_func ("/services/keepalive-lost", test_keepalive_lost);
  g_test_add_func ("/services/remote-closes", test_remote_closes);
  g_test_add_func ("/services/remote-aborts-while-creating",
      test_remote_aborts_while_creating);
  g_test_add_func ("/services/webrtcbin-error-absorbed",
      test_webrtcbin_error_absorbed);
  return harness_exit (g_test_run ());
}
