/* serve-smoldot: a libp2plistener that smoldot (the Polkadot light client)
 * keeps as a peer: the interop server of issue #12's smoldot case.
 *
 *   serve-smoldot <listen-address> <genesis hash hex>
 *
 * Accepts /<genesis>/block-announces/1 (a Substrate notifications
 * protocol: each side first sends a length-prefixed handshake,
 * BlockAnnouncesHandshake { roles: u8, best_number: u32 LE, best_hash,
 * genesis_hash }, 69 bytes + the varint 0x45); reads smoldot's handshake,
 * checks its genesis hash, and answers with ours (a full node whose best
 * block is the genesis block).  Pings and identify are answered by each
 * client's libp2pwebrtcbin; nothing else is accepted.  Prints:
 *   listening <multiaddr>
 *   ready <peer id>
 *   handshake <role> <best number> <genesis ok|bad> (smoldot's)
 *   stats <pings answered> <seconds since ready>      (every second)
 *   removed <why>
 */
#include <gst/gst.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#define HANDSHAKE_LEN 69

typedef struct
{
  GMainLoop *loop;
  guint8 genesis[32];
  gchar *protocol;
  GstElement *conn;             /* the smoldot client (one) */
  gint64 ready_at;
} App;

typedef struct
{
  App *app;
  GByteArray *rx;
  GstPad *tx;                   /* floating src pad into the sink pad */
  gboolean answered;
} Notif;

static void
send_handshake (Notif * n)
{
  guint8 hs[1 + HANDSHAKE_LEN];
  GstBuffer *buf;

  hs[0] = HANDSHAKE_LEN;        /* varint length */
  hs[1] = 0x01;                 /* roles: FULL */
  memset (hs + 2, 0, 4);        /* best number 0 */
  memcpy (hs + 6, n->app->genesis, 32); /* best hash: the genesis block */
  memcpy (hs + 38, n->app->genesis, 32);
  buf = gst_buffer_new_memdup (hs, sizeof (hs));
  printf ("answered %s\n", gst_flow_get_name (gst_pad_push (n->tx, buf)));
  fflush (stdout);
}

static GstFlowReturn
notif_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  Notif *n = g_object_get_data (G_OBJECT (pad), "notif");
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_READ);
  g_byte_array_append (n->rx, map.data, map.size);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  if (!n->answered && n->rx->len >= 1 + HANDSHAKE_LEN) {
    const guint8 *h = n->rx->data;

    n->answered = TRUE;
    printf ("handshake %u %u %s\n", h[1], h[2] | h[3] << 8 | h[4] << 16 |
        (guint) h[5] << 24, h[0] == HANDSHAKE_LEN &&
        memcmp (h + 38, n->app->genesis, 32) == 0 ? "ok" : "bad");
    fflush (stdout);
    send_handshake (n);
  }
  return GST_FLOW_OK;
}

static gboolean
notif_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  gst_event_unref (event);
  return TRUE;
}

static void
notif_free (gpointer p)
{
  Notif *n = p;

  g_byte_array_unref (n->rx);
  gst_object_unref (n->tx);
  g_free (n);
}

/* The block-announces substream: its src pad into a floating sink pad
 * that reads the handshake, a floating src pad into its sink pad. */
static void
on_pad_added (GstElement * conn, GstPad * pad, App * app)
{
  g_autofree gchar *sink_name = NULL;
  GstPad *rx, *sink;
  GstSegment seg;
  Notif *n;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC ||
      strstr (GST_PAD_NAME (pad), "block-announces") == NULL)
    return;
  n = g_new0 (Notif, 1);
  n->app = app;
  n->rx = g_byte_array_new ();
  sink_name = g_strdup_printf ("sink_%s", GST_PAD_NAME (pad) + 4);
  sink = gst_element_request_pad_simple (conn, sink_name);
  n->tx = gst_pad_new (NULL, GST_PAD_SRC);
  gst_pad_set_active (n->tx, TRUE);
  gst_pad_link (n->tx, sink);
  gst_object_unref (sink);
  gst_pad_push_event (n->tx, gst_event_new_stream_start ("block-announces"));
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  gst_pad_push_event (n->tx, gst_event_new_segment (&seg));
  rx = gst_pad_new (NULL, GST_PAD_SINK);
  g_object_set_data_full (G_OBJECT (rx), "notif", n, notif_free);
  gst_pad_set_chain_function (rx, notif_chain);
  gst_pad_set_event_function (rx, notif_event);
  gst_pad_set_active (rx, TRUE);
  g_object_set_data_full (G_OBJECT (pad), "notif-rx", rx, gst_object_unref);
  gst_pad_link (pad, rx);
}

static void
on_added (GstElement * l, GstElement * conn, const gchar * address, App * app)
{
  g_signal_connect (conn, "pad-added", G_CALLBACK (on_pad_added), app);
}

static void
on_ready (GstElement * l, GstElement * conn, const gchar * peer, App * app)
{
  app->conn = gst_object_ref (conn);
  app->ready_at = g_get_monotonic_time ();
  printf ("ready %s\n", peer);
  fflush (stdout);
}

static void
on_removed (GstElement * l, GstElement * conn, const GError * e, App * app)
{
  printf ("removed %s\n", e ? e->message : "-");
  fflush (stdout);
}

static gboolean
tick (gpointer data)
{
  App *app = data;
  GstStructure *st = NULL;
  guint64 pings = 0;

  if (app->conn == NULL)
    return G_SOURCE_CONTINUE;
  g_object_get (app->conn, "stats", &st, NULL);
  if (st) {
    gst_structure_get_uint64 (st, "pings-answered", &pings);
    gst_structure_free (st);
  }
  printf ("stats %" G_GUINT64_FORMAT " %.1f\n", pings,
      (g_get_monotonic_time () - app->ready_at) / 1e6);
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (((App *) data)->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_bus (GstBus * bus, GstMessage * msg, gpointer data)
{
  const GstStructure *s = gst_message_get_structure (msg);

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT && s &&
      gst_structure_has_name (s, "libp2p-listening")) {
    printf ("listening %s\n", gst_structure_get_string (s, "multiaddr"));
    fflush (stdout);
  }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  GstElement *pipeline, *listener;
  GstBus *bus;
  guint i;

  gst_init (&argc, &argv);
  if (argc != 3 || strlen (argv[2]) != 64) {
    g_printerr ("usage: serve-smoldot <listen-address> <genesis hex>\n");
    return 2;
  }
  for (i = 0; i < 32; i++)
    app.genesis[i] = (guint8) (g_ascii_xdigit_value (argv[2][2 * i]) << 4 |
        g_ascii_xdigit_value (argv[2][2 * i + 1]));
  app.protocol = g_strdup_printf ("/%s/block-announces/1", argv[2]);
  app.loop = g_main_loop_new (NULL, FALSE);
  pipeline = gst_pipeline_new ("server");
  listener = gst_element_factory_make ("libp2plistener", NULL);
  g_object_set (listener, "listen-address", argv[1], "protocols",
      app.protocol, NULL);
  g_signal_connect (listener, "connection-added", G_CALLBACK (on_added),
      &app);
  g_signal_connect (listener, "connection-ready", G_CALLBACK (on_ready),
      &app);
  g_signal_connect (listener, "connection-removed", G_CALLBACK (on_removed),
      &app);
  gst_bin_add (GST_BIN (pipeline), listener);
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_add_watch (bus, on_bus, &app);
  g_unix_signal_add (SIGINT, quit_cb, &app);
  g_unix_signal_add (SIGTERM, quit_cb, &app);
  g_timeout_add_seconds (1, tick, &app);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    return 1;
  g_main_loop_run (app.loop);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  gst_clear_object (&app.conn);
  g_free (app.protocol);
  g_main_loop_unref (app.loop);
  return 0;
}
