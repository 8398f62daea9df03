/* echo-file: two libp2p peers in one process echo a file over /echo/1.0.0.
 *
 *   echo-file INPUT [OUTPUT]
 *
 * alice and bob are two libp2pwebrtcbin elements in one pipeline, connected
 * by real webrtcbins over 127.0.0.1 (the application does the offer/answer
 * in-process).  alice opens an /echo/1.0.0 substream by requesting the pad
 * sink_echo-1-0-0_0 (dial-on-request), sends INPUT through it and writes
 * what comes back on src_echo-1-0-0_0 to OUTPUT; bob echoes every byte of
 * each substream it accepts back into it.  The program prints the
 * substream events, the SHA-256 of both files and the time taken, and
 * exits non-zero if they differ. */
#include <gst/gst.h>
#include <gst/app/app.h>
#include <gst/webrtc/webrtc.h>
#include <glib/gstdio.h>

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline, *alice, *bob, *walice, *wbob;
  gboolean failed;
} App;

/* ---- signalling, in-process ---- */

static void
on_ice_candidate (GstElement * webrtc, guint mline, gchar * cand,
    GstElement * other)
{
  g_signal_emit_by_name (other, "add-ice-candidate", mline, cand);
}

static void
on_answer (GstPromise * p, gpointer user_data)
{
  App *app = user_data;
  GstWebRTCSessionDescription *answer = NULL;

  gst_structure_get (gst_promise_get_reply (p), "answer",
      GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL);
  gst_promise_unref (p);
  g_signal_emit_by_name (app->wbob, "set-local-description", answer, NULL);
  g_signal_emit_by_name (app->walice, "set-remote-description", answer, NULL);
  gst_webrtc_session_description_free (answer);
}

static void
on_offer (GstPromise * p, gpointer user_data)
{
  App *app = user_data;
  GstWebRTCSessionDescription *offer = NULL;

  gst_structure_get (gst_promise_get_reply (p), "offer",
      GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
  gst_promise_unref (p);
  g_signal_emit_by_name (app->walice, "set-local-description", offer, NULL);
  g_signal_emit_by_name (app->wbob, "set-remote-description", offer, NULL);
  g_signal_emit_by_name (app->wbob, "create-answer", NULL,
      gst_promise_new_with_change_func (on_answer, app, NULL));
  gst_webrtc_session_description_free (offer);
}

/* libnice does not gather 127.0.0.1 unless told to use it; and no UPnP. */
static void
use_loopback (GstElement * webrtc)
{
  GstWebRTCICE *ice = NULL;
  GObject *agent = NULL;
  gboolean ok = FALSE;

  g_object_get (webrtc, "ice-agent", &ice, NULL);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
  g_object_get (ice, "agent", &agent, NULL);
  g_object_set (agent, "upnp", FALSE, NULL);
  g_object_unref (agent);
  gst_object_unref (ice);
}

/* ---- bob: echo every substream ---- */

static GstFlowReturn
echo_sample (GstAppSink * sink, gpointer appsrc)
{
  GstSample *s = gst_app_sink_pull_sample (sink);

  gst_app_src_push_buffer (appsrc, gst_buffer_ref (gst_sample_get_buffer (s)));
  gst_sample_unref (s);
  return GST_FLOW_OK;
}

static void
echo_eos (GstAppSink * sink, gpointer appsrc)
{
  gst_app_src_end_of_stream (appsrc);
}

static void
bob_substream_opened (GstElement * bob, guint id, const gchar * protocol,
    GstPad * src, App * app)
{
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  GstElement *back = gst_element_factory_make ("appsrc", NULL);
  GstAppSinkCallbacks cb = { echo_eos, NULL, echo_sample };
  g_autofree gchar *name = g_strdup_printf ("sink%s", GST_PAD_NAME (src) + 3);
  GstPad *sinkpad, *backpad, *reply;

  g_print ("bob:   substream %u opened by alice: %s (pad %s)\n", id, protocol,
      GST_PAD_NAME (src));
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  g_object_set (back, "format", GST_FORMAT_BYTES, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &cb, back, NULL);
  gst_bin_add_many (GST_BIN (app->pipeline), sink, back, NULL);
  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (back);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  backpad = gst_element_get_static_pad (back, "src");
  reply = gst_element_request_pad_simple (bob, name);
  gst_pad_link (src, sinkpad);
  gst_pad_link (backpad, reply);
  gst_object_unref (sinkpad);
  gst_object_unref (backpad);
  gst_object_unref (reply);
}

/* ---- alice ---- */

static void
alice_pad_added (GstElement * alice, GstPad * pad, GstElement * filesink)
{
  GstPad *sinkpad;

  if (!GST_PAD_IS_SRC (pad))
    return;
  sinkpad = gst_element_get_static_pad (filesink, "sink");
  gst_pad_link (pad, sinkpad);
  gst_object_unref (sinkpad);
}

static void
on_failed (GstElement * el, guint id, const gchar * protocol, GError * err,
    App * app)
{
  g_printerr ("%s: substream %u (%s) failed: %s\n", GST_OBJECT_NAME (el), id,
      protocol, err->message);
  app->failed = TRUE;
  g_main_loop_quit (app->loop);
}

static void
on_closed (GstElement * el, guint id, const gchar * protocol, GError * err,
    App * app)
{
  g_print ("%-6s substream %u closed%s%s\n", GST_OBJECT_NAME (el), id,
      err ? ": " : " (FIN and FIN_ACK both ways)", err ? err->message : "");
}

static gboolean
on_bus (GstBus * bus, GstMessage * msg, App * app)
{
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_EOS:
      g_main_loop_quit (app->loop);
      break;
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("error from %s: %s\n", GST_OBJECT_NAME (msg->src),
          err->message);
      app->failed = TRUE;
      g_main_loop_quit (app->loop);
      break;
    }
    default:
      break;
  }
  return TRUE;
}

static gboolean
on_timeout (App * app)
{
  g_printerr ("timed out\n");
  app->failed = TRUE;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

static gchar *
sha256_of (const gchar * path, gsize * size)
{
  g_autofree gchar *data = NULL;

  if (!g_file_get_contents (path, &data, size, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) data,
      *size);
}

int
main (int argc, char **argv)
{
  App app = { 0, };
  GstElement *filesrc, *filesink;
  GstPad *alice_sink, *srcpad;
  g_autofree gchar *out = NULL;
  g_autofree gchar *h_in = NULL, *h_out = NULL;
  gsize n_in = 0, n_out = 0;
  gint64 t0;
  gdouble secs;
  GstBus *bus;

  gst_init (&argc, &argv);
  if (argc < 2) {
    g_printerr ("usage: %s INPUT [OUTPUT]\n", argv[0]);
    return 2;
  }
  out = g_strdup (argc > 2 ? argv[2] : "echo-file.out");
  app.loop = g_main_loop_new (NULL, FALSE);
  app.pipeline = gst_pipeline_new ("echo-file");
  app.alice = gst_element_factory_make ("libp2pwebrtcbin", "alice");
  app.bob = gst_element_factory_make ("libp2pwebrtcbin", "bob");
  filesrc = gst_element_factory_make ("filesrc", NULL);
  filesink = gst_element_factory_make ("filesink", NULL);
  if (!app.alice || !app.bob || !filesrc || !filesink) {
    g_printerr ("missing elements: is GST_PLUGIN_PATH set to the plugin?\n");
    return 1;
  }
  g_object_set (app.alice, "protocols", "/echo/1.0.0", "dial-on-request",
      TRUE, NULL);
  g_object_set (app.bob, "protocols", "/echo/1.0.0", NULL);
  g_object_set (filesrc, "location", argv[1], NULL);
  g_object_set (filesink, "location", out, "sync", FALSE, "async", FALSE,
      NULL);
  gst_bin_add_many (GST_BIN (app.pipeline), app.alice, app.bob, filesrc,
      filesink, NULL);

  g_object_get (app.alice, "webrtcbin", &app.walice, NULL);
  g_object_get (app.bob, "webrtcbin", &app.wbob, NULL);
  use_loopback (app.walice);
  use_loopback (app.wbob);
  g_signal_connect (app.walice, "on-ice-candidate",
      G_CALLBACK (on_ice_candidate), app.wbob);
  g_signal_connect (app.wbob, "on-ice-candidate",
      G_CALLBACK (on_ice_candidate), app.walice);

  /* alice dials /echo/1.0.0 by requesting its sink pad */
  alice_sink = gst_element_request_pad_simple (app.alice, "sink_echo-1-0-0_0");
  srcpad = gst_element_get_static_pad (filesrc, "src");
  gst_pad_link (srcpad, alice_sink);
  gst_object_unref (srcpad);
  gst_object_unref (alice_sink);
  g_signal_connect (app.alice, "pad-added", G_CALLBACK (alice_pad_added),
      filesink);
  g_signal_connect (app.bob, "substream-opened",
      G_CALLBACK (bob_substream_opened), &app);
  g_signal_connect (app.alice, "substream-failed", G_CALLBACK (on_failed),
      &app);
  g_signal_connect (app.alice, "substream-closed", G_CALLBACK (on_closed),
      &app);
  g_signal_connect (app.bob, "substream-closed", G_CALLBACK (on_closed),
      &app);

  bus = gst_pipeline_get_bus (GST_PIPELINE (app.pipeline));
  gst_bus_add_watch (bus, (GstBusFunc) on_bus, &app);
  gst_object_unref (bus);
  g_timeout_add_seconds (60, (GSourceFunc) on_timeout, &app);

  t0 = g_get_monotonic_time ();
  gst_element_set_state (app.pipeline, GST_STATE_PLAYING);
  /* both sides exist with their reserved channel 0: alice offers */
  g_signal_emit_by_name (app.walice, "create-offer", NULL,
      gst_promise_new_with_change_func (on_offer, &app, NULL));
  g_main_loop_run (app.loop);
  secs = (g_get_monotonic_time () - t0) / (gdouble) G_USEC_PER_SEC;
  gst_element_set_state (app.pipeline, GST_STATE_NULL);

  h_in = sha256_of (argv[1], &n_in);
  h_out = sha256_of (out, &n_out);
  g_print ("\nsent     %8" G_GSIZE_FORMAT " bytes  sha256 %s\n", n_in,
      h_in ? h_in : "(unreadable)");
  g_print ("echoed   %8" G_GSIZE_FORMAT " bytes  sha256 %s\n", n_out,
      h_out ? h_out : "(unreadable)");
  g_print ("%.2f s from start to the end of the echo (connection set-up "
      "included)\n", secs);
  app.failed |= h_in == NULL || h_out == NULL || g_strcmp0 (h_in, h_out);
  g_print ("%s\n", app.failed ? "FAILED" : "OK: the echo is identical");

  gst_object_unref (app.walice);
  gst_object_unref (app.wbob);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  return app.failed ? 1 : 0;
}
