/* Interop suite, WebRTC-direct: libp2pwebrtcbin dials a real js-libp2p
 * node (libp2p 3 + @libp2p/webrtc webRTCDirect() + @chainsafe/libp2p-noise
 * + @libp2p/ping + @libp2p/identify + an /echo/1.0.0 handler, in Node on
 * node-datachannel: node-direct.mjs) given only its multiaddr.
 *
 * The spec is libp2p/specs webrtc/webrtc-direct.md (our notes:
 * ../shared/spec/webrtc-direct.md): §1.4 the client's procedure, §1.6 Noise
 * on channel 0 (the node authenticates our peer id as we do its), §1.7
 * streams only after the handshake, §3.2 keepalive against an ICE-lite
 * server that drops pairs without a Binding Request for 15 s. */
#include "harness.h"
#include "jsonproc.h"

#define PING_P "/ipfs/ping/1.0.0"
#define PING_K "ipfs-ping-1-0-0"
#define MIB (1024 * 1024)
/* peer-ids.md test vector: private key protobuf (base64) and its peer id */
#define SPEC_KEY_B64 "CAESQH4IMGF8Sn3oOSXfsmlFVrEpNsR3oOH+suFI7J2mD+59HtHo+uL" \
  "EoUS4vo/UtHvz07NLhxw8rPYBDw5C1HT84n4="
#define SPEC_PEER "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
/* webrtc-direct.md §4: a certhash that is not the node's */
#define OTHER_CERTHASH "uEiAw_J9GnCB0Gd_dCqtfJ6hslzyU5AVI25N1zKLpFZc7mQ"

typedef struct
{
  Harness *h;
  JsonProc *jp;                 /* the node; its events under h->lock */
  gchar *addr;                  /* the node's multiaddr */
  gchar *peer_id;
  GPtrArray *errors;            /* GError* posted on the bus, under h->lock */
} Node;

/* ---- the node ---- */

/* The first event @ev the node printed, waiting up to @secs. */
static JsonObject *
node_wait (Node * n, const gchar * ev, gint secs)
{
  return json_proc_wait (n->jp, ev, NULL, secs);
}

static GstBusSyncReply
node_bus_sync (GstBus * bus, GstMessage * msg, Node * n)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    g_mutex_lock (&n->h->lock);
    g_ptr_array_add (n->errors, err);
    g_cond_broadcast (&n->h->cond);
    g_mutex_unlock (&n->h->lock);
    gst_message_unref (msg);
    return GST_BUS_DROP;
  }
  return bus_sync (bus, msg, n->h);
}

/* The first pipeline error, waiting up to @secs. */
static GError *
wait_error (Node * n, gint secs)
{
  gint64 end = deadline_s (secs);
  GError *e = NULL;

  g_mutex_lock (&n->h->lock);
  while (n->errors->len == 0 && g_cond_wait_until (&n->h->cond, &n->h->lock,
          end));
  if (n->errors->len)
    e = g_error_copy (g_ptr_array_index (n->errors, 0));
  g_mutex_unlock (&n->h->lock);
  return e;
}

static gboolean
has_bus (Harness * h, const gchar * name)
{
  gboolean found = FALSE;
  guint i;

  g_mutex_lock (&h->lock);
  for (i = 0; i < h->bus_messages->len; i++)
    found |= gst_structure_has_name (g_ptr_array_index (h->bus_messages, i),
        name);
  g_mutex_unlock (&h->lock);
  return found;
}

/* Starts the node (env LIVENESS_MS=@liveness_ms when > 0) and an element
 * "a" with @protos, not yet dialing. */
static Node *
node_new (const gchar * protos, guint liveness_ms)
{
  Node *n = g_new0 (Node, 1);
  g_autofree gchar *ms = g_strdup_printf ("%u", liveness_ms);
  JsonObject *o;
  GstBus *bus;

  n->h = harness_alloc ();
  n->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  n->jp = json_proc_new (INTEROP_DIR "/node-direct.mjs",
      liveness_ms ? "LIVENESS_MS" : NULL, ms, &n->h->lock, &n->h->cond, NULL,
      NULL);
  o = node_wait (n, "listening", 30);
  g_assert_nonnull (o);
  n->addr = g_strdup (json_object_get_string_member (o, "addr"));
  n->peer_id = g_strdup (json_object_get_string_member (o, "peerId"));
  json_object_unref (o);
  g_test_message ("node: %s", n->addr);

  n->h->a = make_libp2p (n->h, "a", protos);
  g_object_get (n->h->a, "webrtcbin", &n->h->wa, NULL);
  n->h->wb = gst_object_ref (n->h->wa); /* (harness_free unrefs both) */
  gst_bin_add (GST_BIN (n->h->pipe), n->h->a);
  bus = gst_pipeline_get_bus (GST_PIPELINE (n->h->pipe));
  gst_bus_set_sync_handler (bus, (GstBusSyncHandler) node_bus_sync, n, NULL);
  gst_object_unref (bus);
  return n;
}

static void
node_free (Node * n)
{
  json_proc_free (n->jp);
  harness_free (n->h);
  g_ptr_array_unref (n->errors);
  g_free (n->addr);
  g_free (n->peer_id);
  g_free (n);
}

/* Dials @addr and waits for the authenticated connection. */
static void
dial_and_wait (Node * n, const gchar * addr)
{
  const GstStructure *s;
  g_autofree gchar *remote = NULL;
  gint64 t0 = g_get_monotonic_time ();

  g_object_set (n->h->a, "peer-address", addr, NULL);
  g_assert_cmpint (gst_element_set_state (n->h->pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  s = wait_bus (n->h, 'a', "libp2p-connected");
  g_assert_nonnull (s);
  g_test_message ("connected and authenticated in %.1f ms",
      (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpstr (gst_structure_get_string (s, "remote-peer-id"), ==,
      n->peer_id);
  g_object_get (n->h->a, "remote-peer-id", &remote, NULL);
  g_assert_cmpstr (remote, ==, n->peer_id);
}

/* Opens @protocol with the action signal and waits for it: returns the
 * sink side (a test pad) and routes the src pad into @rx. */
static GstPad *
open_with_signal (Node * n, const gchar * protocol, const gchar * key,
    Rx * rx)
{
  guint id = 0, nth = count_events (n->h, 'a', 'o');
  Event *e;
  g_autofree gchar *sink = NULL;
  GstPad *tp;
  GstAppSinkCallbacks cb = { 0, };

  g_signal_emit_by_name (n->h->a, "open-substream", protocol, NULL, &id);
  e = wait_event (n->h, 'a', 'o', nth);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->id, ==, id);
  cb.new_sample = rx_new_sample;
  cb.eos = rx_eos;
  gst_app_sink_set_callbacks (GST_APP_SINK (link_appsink (n->h->a, e->pad)),
      &cb, rx, NULL);
  sink = g_strdup_printf ("sink_%s_%s", key,
      strrchr (GST_PAD_NAME (e->pad), '_') + 1);
  tp = test_pad_for (n->h->a, sink);
  return tp;
}

/* @count /ipfs/ping/1.0.0 round trips on one substream (32 random bytes
 * out, the same 32 back); prints min/median/max in ms. */
static void
ping_round_trips (Node * n, guint count)
{
  Rx *rx = rx_new ();
  GstPad *tp = open_with_signal (n, PING_P, PING_K, rx);
  g_autofree gdouble *rtt = g_new0 (gdouble, count);
  Summary sum;
  guint i;

  for (i = 0; i < count; i++) {
    guint8 b[32];
    gint64 t0;
    guint j;

    for (j = 0; j < sizeof (b); j++)
      b[j] = (guint8) g_random_int ();
    t0 = g_get_monotonic_time ();
    g_assert_cmpint (gst_pad_push (tp, gst_buffer_new_memdup (b, 32)), ==,
        GST_FLOW_OK);
    g_assert_true (rx_wait (rx, 32 * (i + 1), FALSE));
    rtt[i] = (g_get_monotonic_time () - t0) / 1000.0;
    g_mutex_lock (&rx->lock);
    g_assert_cmpmem (rx->data->data + 32 * i, 32, b, 32);
    g_mutex_unlock (&rx->lock);
  }
  sum = summarize (rtt, count);
  g_print ("# ping %u round trips: min %.2f ms median %.2f ms max %.2f ms\n",
      count, sum.min, sum.median, sum.max);
  /* FIN; the node's handler then closes its side: the src pad's EOS is
   * the last thing the appsink tells rx */
  gst_pad_push_event (tp, gst_event_new_eos ());
  g_assert_true (rx_wait (rx, 32 * count, TRUE));
  test_pad_free (tp);
  rx_free (rx);
}

/* js-libp2p's connection monitor pings every peer every 10 s and closes
 * the connection when a ping it could open goes unanswered: like any
 * libp2p application accepting /ipfs/ping/1.0.0, answer inbound pings
 * (echo them). */
static void
pad_added_answer_inbound (GstElement * el, GstPad * pad, Harness * h)
{
  GstLibp2pDirection dir = GST_LIBP2P_DIRECTION_OUTBOUND;

  if (GST_PAD_IS_SRC (pad))
    g_object_get (pad, "substream-direction", &dir, NULL);
  if (dir == GST_LIBP2P_DIRECTION_INBOUND)
    pad_added_echo (el, pad, h);
}

/* ---- cases ---- */

/* The GLib API: dial by multiaddr with a given identity; the node
 * authenticates us as that peer id, we authenticate it; ping round trips;
 * 1 MiB through /echo/1.0.0 with equal SHA-256. */
static void
test_direct_glib_api (void)
{
  Node *n = node_new (ECHO_P "," PING_P, 0);
  g_autofree gchar *ours = NULL;
  g_autofree guint8 *data = g_malloc (MIB);
  g_autofree gchar *want = NULL;
  g_autofree gchar *got = NULL;
  Rx *rx = rx_new ();
  JsonObject *o;
  GstPad *tp;
  gsize i, off;
  gint64 t0;

  g_object_set (n->h->a, "private-key", SPEC_KEY_B64, NULL);
  g_object_get (n->h->a, "peer-id", &ours, NULL);
  g_assert_cmpstr (ours, ==, SPEC_PEER);
  dial_and_wait (n, n->addr);
  /* the node's Noise authenticated us as our key's peer id */
  o = node_wait (n, "connection", WAIT_S);
  g_assert_nonnull (o);
  g_assert_cmpstr (json_object_get_string_member (o, "peerId"), ==,
      SPEC_PEER);
  json_object_unref (o);

  ping_round_trips (n, 20);

  for (i = 0; i < MIB; i++)
    data[i] = (guint8) g_random_int ();
  want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, MIB);
  tp = open_with_signal (n, ECHO_P, ECHO_K, rx);
  t0 = g_get_monotonic_time ();
  for (off = 0; off < MIB; off += 65536)
    g_assert_cmpint (gst_pad_push (tp, gst_buffer_new_memdup (data + off,
                MIN (65536, MIB - off))), ==, GST_FLOW_OK);
  gst_pad_push_event (tp, gst_event_new_eos ());
  g_assert_true (rx_wait (rx, MIB, TRUE));
  g_print ("# echo 1 MiB round trip: %.1f ms\n",
      (g_get_monotonic_time () - t0) / 1000.0);
  got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, rx->data->data,
      rx->data->len);
  g_assert_cmpuint (rx->data->len, ==, MIB);
  g_assert_cmpstr (got, ==, want);
  o = node_wait (n, "echo-done", WAIT_S);
  g_assert_nonnull (o);
  g_assert_cmpint (json_object_get_int_member (o, "bytes"), ==, MIB);
  json_object_unref (o);
  g_assert_cmpint (n->errors->len, ==, 0);
  test_pad_free (tp);
  node_free (n);
  rx_free (rx);
}

/* Substreams open only after the handshake: before it, open-substream
 * fails at once (NOT_CONNECTED); a sink pad requested before it dials once
 * the node is authenticated. */
static void
test_direct_streams_wait_for_handshake (void)
{
  Node *n = node_new (ECHO_P, 0);
  Rx *rx = rx_new ();
  guint id = 0;
  Event *e;
  GstPad *tp;

  g_object_set (n->h->a, "peer-address", n->addr, "dial-on-request", TRUE,
      NULL);
  link_src_to_rx (n->h->a, rx);
  g_assert_cmpint (gst_element_set_state (n->h->pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  /* the handshake takes ~0.5 s: both happen before it */
  g_signal_emit_by_name (n->h->a, "open-substream", ECHO_P, NULL, &id);
  tp = test_pad_for (n->h->a, "sink_" ECHO_K "_0");
  g_assert_false (has_bus (n->h, "libp2p-connected"));
  e = wait_event (n->h, 'a', 'f', 0);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->id, ==, id);
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_NOT_CONNECTED);
  /* this waits (bounded) for the handshake and the negotiation */
  g_assert_cmpint (gst_pad_push (tp, gst_buffer_new_memdup ("hello", 5)), ==,
      GST_FLOW_OK);
  gst_pad_push_event (tp, gst_event_new_eos ());
  g_assert_nonnull (wait_bus (n->h, 'a', "libp2p-connected"));
  g_assert_true (rx_wait (rx, 5, TRUE));
  g_assert_cmpmem (rx->data->data, rx->data->len, "hello", 5);
  test_pad_free (tp);
  node_free (n);
  rx_free (rx);
}

static void
assert_refused (Node * n, const gchar * addr, gint code,
    const gchar * fragment)
{
  g_autoptr (GError) err = NULL;
  guint id = 0;
  Event *e;

  g_object_set (n->h->a, "peer-address", addr, "connect-timeout",
      (guint64) 10 * GST_SECOND, NULL);
  g_assert_cmpint (gst_element_set_state (n->h->pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  err = wait_error (n, 20);
  g_assert_nonnull (err);
  g_test_message ("refused: %s", err->message);
  g_assert_error (err, GST_RESOURCE_ERROR, code);
  if (strstr (err->message, fragment) == NULL)
    g_error ("'%s' lacks '%s'", err->message, fragment);
  /* never connected: nothing opens */
  g_assert_false (has_bus (n->h, "libp2p-connected"));
  g_signal_emit_by_name (n->h->a, "open-substream", ECHO_P, NULL, &id);
  e = wait_event (n->h, 'a', 'f', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_NOT_CONNECTED);
}

/* /p2p/ names another peer: Noise authenticates the node, and it is not
 * the one asked for. */
static void
test_direct_wrong_peer_id (void)
{
  Node *n = node_new (ECHO_P, 0);
  g_autofree gchar *wrong = g_strdup (n->addr);
  gchar *p2p = strstr (wrong, "/p2p/");
  g_autofree gchar *addr = NULL;

  g_assert_nonnull (p2p);
  *p2p = '\0';
  addr = g_strconcat (wrong, "/p2p/" SPEC_PEER, NULL);
  assert_refused (n, addr, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
      "not " SPEC_PEER);
  g_assert_nonnull (strstr (n->errors->len ? ((GError *)
              g_ptr_array_index (n->errors, 0))->message : "", n->peer_id));
  node_free (n);
}

/* The certhash is not the node's certificate. */
static void
test_direct_wrong_certhash (void)
{
  Node *n = node_new (ECHO_P, 0);
  g_auto (GStrv) parts = g_strsplit (n->addr, "/certhash/", 2);
  const gchar *rest = strchr (parts[1], '/');
  g_autofree gchar *addr = g_strconcat (parts[0], "/certhash/"
      OTHER_CERTHASH, rest ? rest : "", NULL);

  assert_refused (n, addr, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
      "not " OTHER_CERTHASH);
  node_free (n);
}

/* The node pings us (@libp2p/ping, as its connection monitor does every
 * 10 s): the element's ping responder answers when 'protocols' does not
 * list /ipfs/ping/1.0.0; with ping-responder=false the node is refused
 * (multistream-select "na"). */
static void
test_direct_node_pings_us (void)
{
  gboolean responder;

  for (responder = TRUE; responder >= FALSE; responder--) {
    Node *n = node_new (ECHO_P, 0);
    g_autofree gchar *ours = NULL;
    g_autofree gchar *cmd = NULL;
    GstStructure *st = NULL;
    guint64 answered = 0;
    JsonObject *o;
    guint i;

    g_object_set (n->h->a, "ping-responder", responder, NULL);
    dial_and_wait (n, n->addr);
    g_object_get (n->h->a, "peer-id", &ours, NULL);
    cmd = g_strdup_printf ("{\"op\":\"ping\",\"peerId\":\"%s\"}", ours);
    for (i = 0; i < 3; i++) {
      json_proc_send (n->jp, cmd);
      o = node_wait (n, responder ? "pong" : "ping-failed", WAIT_S);
      g_assert_nonnull (o);
      if (responder)
        g_test_message ("the node pinged us: %" G_GINT64_FORMAT " ms",
            json_object_get_int_member (o, "rtt"));
      else
        g_assert_nonnull (strstr (json_object_get_string_member (o,
                    "error"), "Unsupported"));
      json_object_unref (o);
    }
    g_object_get (n->h->a, "stats", &st, NULL);
    gst_structure_get_uint64 (st, "pings-answered", &answered);
    gst_structure_free (st);
    /* @libp2p/ping sends one 32-byte payload per stream (its connection
     * monitor may add one more every 10 s) */
    if (responder)
      g_assert_cmpuint (answered, >=, 3);
    else
      g_assert_cmpuint (answered, ==, 0);
    /* internal: no pads, no substream signals */
    g_assert_cmpuint (count_events (n->h, 'a', 'o'), ==, 0);
    g_assert_cmpint (n->errors->len, ==, 0);
    node_free (n);
  }
}

static gint
cmp_strp (const gchar ** a, const gchar ** b)
{
  return strcmp (*a, *b);
}

/* The strings of a GstValueArray field, sorted, joined by ' '. */
static gchar *
gst_strings (const GstStructure * s, const gchar * field)
{
  const GValue *arr = gst_structure_get_value (s, field);
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  guint i;

  g_assert_nonnull (arr);
  g_assert_true (GST_VALUE_HOLDS_ARRAY (arr));
  for (i = 0; i < gst_value_array_get_size (arr); i++)
    g_ptr_array_add (items, (gpointer) g_value_get_string
        (gst_value_array_get_value (arr, i)));
  g_ptr_array_sort (items, (GCompareFunc) cmp_strp);
  g_ptr_array_add (items, NULL);
  return g_strjoinv (" ", (gchar **) items->pdata);
}

/* The strings of a JSON array member, sorted, joined by ' '. */
static gchar *
json_strings (JsonObject * o, const gchar * member)
{
  JsonArray *a = json_object_get_array_member (o, member);
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  guint i;

  g_assert_nonnull (a);
  for (i = 0; i < json_array_get_length (a); i++)
    g_ptr_array_add (items, (gpointer) json_array_get_string_element (a, i));
  g_ptr_array_sort (items, (GCompareFunc) cmp_strp);
  g_ptr_array_add (items, NULL);
  return g_strjoinv (" ", (gchar **) items->pdata);
}

/* identify both ways (libp2p/specs identify/README.md): @libp2p/identify
 * asks ours on the connection we made and parses it (its peer:identify
 * event: our agent, the protocols we accept, the address we dialed as its
 * observed address); we ask the node's and report it (libp2p-identify,
 * remote-identify) as the node says of itself. */
static void
test_direct_identify_both_ways (void)
{
  Node *n = node_new (ECHO_P, 0);
  g_autofree gchar *ours = NULL, *got = NULL, *want = NULL;
  const GstStructure *s;
  GstStructure *prop = NULL, *msg;
  JsonObject *o, *self;

  gint64 t_connected;

  g_object_set (n->h->a, "agent-version", "identify-test/2.0", NULL);
  dial_and_wait (n, n->addr);
  t_connected = g_get_monotonic_time ();
  g_object_get (n->h->a, "peer-id", &ours, NULL);

  /* the node's view of us */
  o = node_wait (n, "identify", WAIT_S);
  g_assert_nonnull (o);
  g_assert_cmpstr (json_object_get_string_member (o, "peerId"), ==, ours);
  g_assert_cmpstr (json_object_get_string_member (o, "agentVersion"), ==,
      "identify-test/2.0");
  g_assert_cmpstr (json_object_get_string_member (o, "protocolVersion"), ==,
      "ipfs/0.1.0");
  got = json_strings (o, "protocols");
  g_assert_cmpstr (got, ==, "/echo/1.0.0 /ipfs/id/1.0.0 /ipfs/ping/1.0.0");
  g_clear_pointer (&got, g_free);
  /* a dialer listens nowhere */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o,
              "listenAddrs")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "observedAddr"), ==,
      n->addr);
  json_object_unref (o);

  /* our view of the node, against what it says of itself */
  s = wait_bus (n->h, 'a', "libp2p-identify");
  g_assert_nonnull (s);
  g_assert_false (gst_structure_has_field (s, "error"));
  g_test_message ("the node's identify reported %.1f ms after "
      "libp2p-connected (the node's view of us came first)",
      (g_get_monotonic_time () - t_connected) / 1000.0);
  json_proc_send (n->jp, "{\"op\":\"self\"}");
  self = node_wait (n, "self", WAIT_S);
  g_assert_nonnull (self);
  g_assert_cmpstr (gst_structure_get_string (s, "peer-id"), ==, n->peer_id);
  g_assert_cmpstr (gst_structure_get_string (s, "agent-version"), ==,
      json_object_get_string_member (self, "agentVersion"));
  g_assert_cmpstr (gst_structure_get_string (s, "protocol-version"), ==,
      "ipfs/0.1.0");
  got = gst_strings (s, "protocols");
  want = json_strings (self, "protocols");
  g_assert_cmpstr (got, ==, want);
  g_assert_nonnull (strstr (got, "/echo/1.0.0"));
  g_clear_pointer (&got, g_free);
  g_clear_pointer (&want, g_free);
  got = gst_strings (s, "listen-addrs");
  want = json_strings (self, "listenAddrs");
  g_assert_cmpstr (got, ==, want);
  g_assert_nonnull (strstr (got, "/webrtc-direct/certhash/"));
  /* our address as the node sees it: 127.0.0.1 (or the namespace's) */
  g_test_message ("the node sees us at %s",
      gst_structure_get_string (s, "observed-addr"));
  g_object_get (n->h->a, "remote-identify", &prop, NULL);
  g_assert_nonnull (prop);
  /* the same as the message (the harness marks messages with a side) */
  msg = gst_structure_copy (s);
  gst_structure_remove_field (msg, "side");
  g_assert_true (gst_structure_is_equal (prop, msg));
  gst_structure_free (msg);
  gst_structure_free (prop);
  json_object_unref (self);
  g_assert_cmpint (n->errors->len, ==, 0);
  /* internal: no pads, no substream signals */
  g_assert_cmpuint (count_events (n->h, 'a', 'o'), ==, 0);
  node_free (n);
}

/* identify=false: nothing asked, nothing answered (ls and identify do not
 * list it; @libp2p/identify's request is refused). */
static void
test_direct_identify_off (void)
{
  Node *n = node_new (ECHO_P, 0);
  JsonObject *o;

  g_object_set (n->h->a, "identify", FALSE, NULL);
  dial_and_wait (n, n->addr);
  /* the node runs identify as the connection opens (within ~100 ms of
   * libp2p-connected in the test above): 3 s is ample */
  o = json_proc_wait (n->jp, "identify", NULL, 3);
  g_assert_null (o);
  g_assert_false (has_bus (n->h, "libp2p-identify"));
  node_free (n);
}

/* A name instead of an address (Polkadot nodes advertise /dns/...):
 * /dns4/localhost resolves through the system resolver (/etc/hosts). */
static void
test_direct_dns_name (void)
{
  Node *n = node_new (ECHO_P, 0);
  g_auto (GStrv) parts = g_strsplit (n->addr, "/udp/", 2);
  g_autofree gchar *addr = g_strconcat ("/dns4/localhost/udp/", parts[1],
      NULL);

  g_assert_true (g_str_has_prefix (n->addr, "/ip4/127.0.0.1/udp/"));
  dial_and_wait (n, addr);
  g_assert_cmpint (n->errors->len, ==, 0);
  node_free (n);
}

/* A name that does not resolve: a clear error within connect-timeout
 * (either the resolver's answer or, if it hangs, the timer's). */
static void
test_direct_dns_unresolvable (void)
{
  Node *n = node_new (ECHO_P, 0);
  g_auto (GStrv) parts = g_strsplit (n->addr, "/webrtc-direct/", 2);
  g_autofree gchar *addr = g_strconcat ("/dns4/nosuchname.invalid/udp/9/"
      "webrtc-direct/", parts[1], NULL);
  g_autoptr (GError) err = NULL;

  g_object_set (n->h->a, "peer-address", addr, "connect-timeout",
      (guint64) 5 * GST_SECOND, NULL);
  g_assert_cmpint (gst_element_set_state (n->h->pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  err = wait_error (n, 15);
  g_assert_nonnull (err);
  g_test_message ("refused: %s", err->message);
  g_assert_error (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE);
  g_assert_true (strstr (err->message, "cannot resolve 'nosuchname.invalid'")
      || strstr (err->message, "'nosuchname.invalid' was not resolved"));
  g_assert_false (has_bus (n->h, "libp2p-connected"));
  node_free (n);
}

/* Nothing listens there: a bounded wait, then a clear error. */
static void
test_direct_nobody_there (void)
{
  Node *n = node_new (ECHO_P, 0);
  g_auto (GStrv) parts = g_strsplit (n->addr, "/webrtc-direct/", 2);
  g_autofree gchar *addr = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GError) err = NULL;

  /* port 9 (discard) on loopback: nothing answers STUN there */
  addr = g_strdup_printf ("/ip4/127.0.0.1/udp/9/webrtc-direct/%s", parts[1]);
  g_object_set (n->h->a, "peer-address", addr, "connect-timeout",
      (guint64) 2 * GST_SECOND, NULL);
  g_assert_cmpint (gst_element_set_state (n->h->pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  err = wait_error (n, 10);
  g_assert_nonnull (err);
  g_assert_error (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE);
  g_assert_nonnull (strstr (err->message, "no ICE connectivity"));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 6 * G_USEC_PER_SEC);
  node_free (n);
}

/* Keepalive: a litep2p-like ICE-lite peer (node-direct.mjs's relay) drops
 * the pair after 15 s without a STUN Binding Request from us.  Idle for
 * 60 s, the connection must still carry a ping; the relay reports the
 * intervals between our Binding Requests. */
static void
test_direct_keepalive_idle_60s (void)
{
  Node *n = node_new (PING_P, 15000);
  JsonObject *o;
  JsonArray *gaps;
  guint i, len;
  gint64 max = 0, sum = 0;

  g_signal_connect (n->h->a, "pad-added",
      G_CALLBACK (pad_added_answer_inbound), n->h);
  dial_and_wait (n, n->addr);
  ping_round_trips (n, 1);
  g_usleep (60 * G_USEC_PER_SEC);
  g_assert_null (node_wait (n, "pair-dropped", 0));
  ping_round_trips (n, 3);
  g_assert_cmpint (n->errors->len, ==, 0);
  /* the relay prints its measurements when its stdin closes */
  json_proc_close_input (n->jp);
  o = node_wait (n, "stun", WAIT_S);
  g_assert_nonnull (o);
  gaps = json_object_get_array_member (o, "gaps");
  len = json_array_get_length (gaps);
  for (i = 0; i < len; i++) {
    gint64 g = json_array_get_int_element (gaps, i);

    max = MAX (max, g);
    sum += g;
  }
  g_print ("# keepalive: %u Binding Requests in 60+ s idle, mean interval "
      "%.1f s, longest %.1f s\n", len + 1, len ? sum / 1000.0 / len : 0.0,
      max / 1000.0);
  g_assert_cmpuint (len, >=, 8);
  g_assert_cmpint (max, <, 15000);
  json_object_unref (o);
  node_free (n);
}

/* ---- how a connection ends (issue #11, part 2; docs/element.md "How a
 * connection ends") ---- */

/* The connection-closed structure, waiting up to @secs. */
static const GstStructure *
wait_closed (Node * n, gdouble secs)
{
  gint64 end = g_get_monotonic_time () + (gint64) (secs * G_USEC_PER_SEC);
  const GstStructure *found = NULL;

  g_mutex_lock (&n->h->lock);
  while (!found) {
    guint i;

    for (i = 0; i < n->h->bus_messages->len && !found; i++)
      if (gst_structure_has_name (g_ptr_array_index (n->h->bus_messages, i),
              "libp2p-connection-closed"))
        found = g_ptr_array_index (n->h->bus_messages, i);
    if (!found && !g_cond_wait_until (&n->h->cond, &n->h->lock, end))
      break;
  }
  g_mutex_unlock (&n->h->lock);
  return found;
}

/* Dials the node and echoes 64 bytes on /echo/1.0.0; returns the sink. */
static GstPad *
echo_connected (Node * n, Rx * rx)
{
  GstPad *tp;

  dial_and_wait (n, n->addr);
  tp = open_with_signal (n, ECHO_P, ECHO_K, rx);
  echo_64 (tp, rx);
  return tp;
}

/* The report of a connection that ended @t0 ago at most @bound_s later:
 * connection-closed NOT_CONNECTED naming the remote (and saying @part),
 * the open substream's one report, EOS on its src pad, an error flow on
 * its sink pad; an ERROR naming the peer iff @want_error. */
static void
assert_ended (Node * n, Rx * rx, GstPad * tp, gint64 t0, gdouble bound_s,
    gboolean want_error, const gchar * part)
{
  const GstStructure *s = wait_closed (n, bound_s + 3);
  g_autoptr (GError) err = NULL;
  g_autoptr (GError) posted = NULL;
  gdouble took = (g_get_monotonic_time () - t0) / 1e6;
  Event *e;

  g_assert_nonnull (s);
  g_print ("# connection end reported after %.2f s (bound %.0f s)\n", took,
      bound_s);
  g_assert_cmpfloat (took, <=, bound_s + 1);
  g_assert_true (gst_structure_get (s, "error", G_TYPE_ERROR, &err, NULL));
  g_assert_cmpint (err->code, ==, GST_LIBP2P_ERROR_NOT_CONNECTED);
  g_test_message ("cause: %s", err->message);
  if (part && !strstr (err->message, part))
    g_error ("'%s' does not say '%s'", err->message, part);
  g_assert_cmpstr (gst_structure_get_string (s, "peer-id"), ==, n->peer_id);
  e = wait_event (n->h, 'a', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_NOT_CONNECTED);
  g_assert_true (rx_wait (rx, 64, TRUE));
  assert_sink_error_flow (tp);
  posted = wait_error (n, want_error ? 2 : 1);
  if (want_error) {
    g_assert_nonnull (posted);
    if (!strstr (posted->message, n->peer_id))
      g_error ("the ERROR '%s' does not name %s", posted->message,
          n->peer_id);
  } else {
    g_assert_null (posted);
  }
}

/* The node is killed (SIGKILL) mid-connection: nothing tells us; the
 * keepalive's default bound (ping-interval 5 s + ping-timeout 10 s) does,
 * and error-on-disconnect's default ends a gst-launch line. */
static void
test_direct_node_killed (void)
{
  Node *n = node_new (ECHO_P, 0);
  Rx *rx = rx_new ();
  GstPad *tp = echo_connected (n, rx);
  gint64 t0 = g_get_monotonic_time ();

  g_subprocess_force_exit (n->jp->proc);
  assert_ended (n, rx, tp, t0, 15, TRUE, "did not answer a ping");
  test_pad_free (tp);
  rx_free (rx);
  node_free (n);
}

/* The node stops (libp2p's stop: it closes its connections) */
static void
test_direct_node_stops (void)
{
  Node *n = node_new (ECHO_P, 0);
  Rx *rx = rx_new ();
  GstPad *tp;
  gint64 t0;

  g_object_set (n->h->a, "error-on-disconnect", FALSE, "ping-interval",
      GST_SECOND, "ping-timeout", 2 * GST_SECOND, NULL);
  tp = echo_connected (n, rx);
  t0 = g_get_monotonic_time ();
  json_proc_close_input (n->jp);
  assert_ended (n, rx, tp, t0, 3, FALSE, NULL);
  test_pad_free (tp);
  rx_free (rx);
  node_free (n);
}

/* The path is cut (the test's relay drops everything both ways) */
static void
test_direct_node_blackholed (void)
{
  Node *n = node_new (ECHO_P, 600000);
  Rx *rx = rx_new ();
  JsonObject *o;
  GstPad *tp;
  gint64 t0;

  g_object_set (n->h->a, "ping-interval", GST_SECOND, "ping-timeout",
      2 * GST_SECOND, NULL);
  tp = echo_connected (n, rx);
  json_proc_send (n->jp, "{\"op\":\"blackhole\"}");
  o = node_wait (n, "blackholed", WAIT_S);
  g_assert_nonnull (o);
  json_object_unref (o);
  t0 = g_get_monotonic_time ();
  assert_ended (n, rx, tp, t0, 3, TRUE, "did not answer a ping");
  test_pad_free (tp);
  rx_free (rx);
  node_free (n);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/direct/glib-api", test_direct_glib_api);
  g_test_add_func ("/direct/node-killed", test_direct_node_killed);
  g_test_add_func ("/direct/node-stops", test_direct_node_stops);
  g_test_add_func ("/direct/node-blackholed", test_direct_node_blackholed);
  g_test_add_func ("/direct/streams-wait-for-handshake",
      test_direct_streams_wait_for_handshake);
  g_test_add_func ("/direct/wrong-peer-id", test_direct_wrong_peer_id);
  g_test_add_func ("/direct/wrong-certhash", test_direct_wrong_certhash);
  g_test_add_func ("/direct/nobody-there", test_direct_nobody_there);
  g_test_add_func ("/direct/dns-name", test_direct_dns_name);
  g_test_add_func ("/direct/dns-unresolvable", test_direct_dns_unresolvable);
  g_test_add_func ("/direct/node-pings-us", test_direct_node_pings_us);
  g_test_add_func ("/direct/identify-both-ways",
      test_direct_identify_both_ways);
  g_test_add_func ("/direct/identify-off", test_direct_identify_off);
  g_test_add_func ("/direct/keepalive-idle-60s",
      test_direct_keepalive_idle_60s);
  return harness_exit (g_test_run ());
}
