/* listen-echo: a WebRTC-direct echo and ping server for many clients.
 *
 *   listen-echo [listen-address] [clients] [property=value ...]
 *
 * A libp2plistener (default /ip4/127.0.0.1/udp/0/webrtc-direct) serves
 * every client that dials its multiaddr: each inbound /echo/1.0.0
 * substream gets back every byte it sends, then FIN; pings and identify
 * are answered by each client's libp2pwebrtcbin.  Prints one line per
 * event:
 *   listening <multiaddr>
 *   added <element> <client address>
 *   ready <element> <peer id>
 *   echo <element> <substream id>
 *   removed <element> <why>
 * and exits 0 after [clients] clients were removed (default: never; stop
 * it with SIGINT or SIGTERM, then it exits 0 after stopping cleanly).
 * Further arguments set properties of the listener, as gst-launch-1.0
 * would (max-new-per-source=32).
 */
#include <gst/gst.h>
#include <glib-unix.h>

#include "echo-pads.h"
#include <stdio.h>
#include <string.h>

typedef struct
{
  GMainLoop *loop;
  GstElement *listener;
  gint limit;
  gint removed;                 /* atomic */
} App;

static void
on_pad_added (GstElement * conn, GstPad * pad, App * app)
{
  if (!g_str_has_prefix (GST_PAD_NAME (pad), "src_echo-1-0-0_"))
    return;
  if (echo_pad_added (conn, pad))
    printf ("echo %s %s\n", GST_ELEMENT_NAME (conn), GST_PAD_NAME (pad) + 4);
  else
    g_printerr ("cannot echo %s of %s\n", GST_PAD_NAME (pad),
        GST_ELEMENT_NAME (conn));
  fflush (stdout);
}

static void
on_added (GstElement * listener, GstElement * conn, const gchar * address,
    App * app)
{
  gint64 *t = g_new (gint64, 1);

  /* connection-added comes with the client's first valid Binding Request */
  *t = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (conn), "added-at", t, g_free);
  g_signal_connect (conn, "pad-added", G_CALLBACK (on_pad_added), app);
  printf ("added %s %s\n", GST_ELEMENT_NAME (conn), address);
  fflush (stdout);
}

static void
on_ready (GstElement * listener, GstElement * conn, const gchar * peer,
    App * app)
{
  gint64 *t = g_object_get_data (G_OBJECT (conn), "added-at");

  /* and the time from that request to Noise done, in ms */
  printf ("ready %s %s %.1f\n", GST_ELEMENT_NAME (conn), peer,
      t ? (g_get_monotonic_time () - *t) / 1000.0 : -1.0);
  fflush (stdout);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (((App *) data)->loop);
  return G_SOURCE_REMOVE;
}

static void
on_removed (GstElement * listener, GstElement * conn, const GError * error,
    App * app)
{
  printf ("removed %s %s\n", GST_ELEMENT_NAME (conn),
      error ? error->message : "-");
  fflush (stdout);
  if (app->limit > 0 && g_atomic_int_add (&app->removed, 1) + 1 == app->limit)
    g_idle_add (quit_cb, app);
}

static gboolean
on_bus (GstBus * bus, GstMessage * msg, gpointer data)
{
  App *app = data;
  const GstStructure *s = gst_message_get_structure (msg);
  g_autoptr (GError) err = NULL;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT && s &&
      gst_structure_has_name (s, "libp2p-listening")) {
    printf ("listening %s\n", gst_structure_get_string (s, "multiaddr"));
    fflush (stdout);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    g_printerr ("error: %s\n", err->message);
    g_main_loop_quit (app->loop);
  }
  return G_SOURCE_CONTINUE;
}

/* SIGUSR1: the listener's counts, on one line (run-listen.sh asks when a
 * client failed: no line means the main loop is stuck) */
static gboolean
stats_cb (gpointer data)
{
  App *app = data;
  g_autoptr (GstStructure) stats = NULL;
  g_autofree gchar *text = NULL;

  g_object_get (app->listener, "stats", &stats, NULL);
  text = gst_structure_to_string (stats);
  printf ("stats %s\n", text);
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  GstElement *pipeline, *listener;
  GstBus *bus;

  gst_init (&argc, &argv);
  app.loop = g_main_loop_new (NULL, FALSE);
  app.limit = argc > 2 ? atoi (argv[2]) : 0;
  pipeline = gst_pipeline_new ("server");
  listener = gst_element_factory_make ("libp2plistener", "listener");
  if (listener == NULL) {
    g_printerr ("no libp2plistener (GST_PLUGIN_PATH?)\n");
    return 1;
  }
  app.listener = listener;
  g_object_set (listener, "protocols", "/echo/1.0.0", NULL);
  if (argc > 1)
    g_object_set (listener, "listen-address", argv[1], NULL);
  for (gint i = 3; i < argc; i++) {
    g_auto (GStrv) kv = g_strsplit (argv[i], "=", 2);

    if (kv[1] == NULL || g_object_class_find_property (G_OBJECT_GET_CLASS
            (listener), kv[0]) == NULL) {
      g_printerr ("not a property=value of libp2plistener: %s\n", argv[i]);
      return 1;
    }
    gst_util_set_object_arg (G_OBJECT (listener), kv[0], kv[1]);
  }
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
  g_unix_signal_add (SIGUSR1, stats_cb, &app);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("cannot start the listener\n");
    return 1;
  }
  g_main_loop_run (app.loop);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_main_loop_unref (app.loop);
  printf ("stopped\n");
  return 0;
}
