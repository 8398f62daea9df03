/* Many connections in one process, and the SCTP association id.
 *
 * sctpenc and sctpdec find their usrsctp association by an id, in one
 * table per process, and webrtcbin 1.22 .. 1.26 gives each of its SCTP
 * transports a random id in [0, 65535) (webrtcsctptransport.c).  Two
 * webrtcbins of one process with one id: the second's sctpenc and sctpdec
 * fail READY->PAUSED ("Association already in use!"), that connection
 * never carries a data channel, and 1.22's sctpenc starts its src task all
 * the same, so finalizing it joins that task for good: the process cannot
 * exit.  Seen as a listener's client that never became ready and a
 * listener line that hung at exit (tests/interop/run-listen.sh under ASan,
 * 1 run in 30).  The element gives its webrtcbins ids of its own
 * (gstlibp2pwebrtc.c, "association ids").
 *
 * Here webrtcbin's random choice is the same for every transport: this
 * executable interposes g_random_int_range() (linked with
 * export_dynamic), for webrtcbin's call only, so any two webrtcbins would
 * collide without the element's ids. */
#include "harness.h"

#include <dlfcn.h>

#define FORCED_ID 4242

static gint forced = 0;

gint32
g_random_int_range (gint32 begin, gint32 end)
{
  static gint32 (*real) (gint32, gint32);

  if (begin == 0 && end == G_MAXUINT16 && g_atomic_int_get (&forced))
    return FORCED_ID;
  if (real == NULL)
    real = (gint32 (*)(gint32, gint32)) dlsym (RTLD_NEXT,
        "g_random_int_range");
  return real (begin, end);
}

static guint
association_id (GstElement * webrtc, const gchar * factory)
{
  GstElement *e = harness_find_child (webrtc, factory);
  guint id = G_MAXUINT;

  g_assert_nonnull (e);
  g_object_get (e, "sctp-association-id", &id, NULL);
  gst_object_unref (e);
  return id;
}

/* A connected pair whose b echoes; a's first substream carries @size
 * bytes there and back. */
static Harness *
echo_pair_up (Rx * rx, GstPad ** tp)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);

  link_src_to_rx (h->a, rx);
  g_signal_connect (h->b, "pad-added", G_CALLBACK (pad_added_echo), h);
  g_object_set (h->a, "dial-on-request", TRUE, NULL);
  harness_start (h);
  *tp = test_pad_for (h->a, "sink_" ECHO_K "_0");
  return h;
}

/* A teardown that must end within @seconds, or the test aborts saying
 * @what. */
typedef struct
{
  gint done;
  gint seconds;
  const gchar *what;
} Dog;

static gpointer
watchdog (gpointer data)
{
  Dog *dog = data;
  gint64 end = deadline_s (dog->seconds);

  while (!g_atomic_int_get (&dog->done)) {
    if (g_get_monotonic_time () > end)
      g_error ("%s hung for %d s", dog->what, dog->seconds);
    g_usleep (50 * 1000);
  }
  return NULL;
}

static void
test_same_random_id (void)
{
  Rx *rx1 = rx_new (), *rx2 = rx_new ();
  Harness *raw, *h1, *h2;
  GstElement *webrtcbins[4];
  GstPad *tp1, *tp2;
  GThread *dog;
  Dog teardown = { 0, 30, "tearing the connections down" };
  guint i, j;

  {
    /* 1.27.1 and later: sctpdec takes a free id itself, webrtcbin draws
     * none (and the element leaves the choice to sctpdec) */
    GstElement *dec = gst_element_factory_make ("sctpdec", NULL);
    gboolean picks = dec && g_object_class_find_property
        (G_OBJECT_GET_CLASS (dec), "automatic-association-id");

    if (dec)
      gst_object_unref (dec);
    if (picks) {
      g_test_skip ("sctpdec picks free association ids itself");
      rx_free (rx1);
      rx_free (rx2);
      return;
    }
  }
  g_atomic_int_set (&forced, 1);
  /* the interposition bites: a raw webrtcbin takes the forced id */
  raw = raw_harness ("23 12 21 " HDR ECHO_M);
  g_assert_cmpuint (association_id (raw->wb, "sctpdec"), ==, FORCED_ID);
  g_assert_cmpuint (association_id (raw->wb, "sctpenc"), ==, FORCED_ID);
  harness_free (raw);

  /* four of ours at once, in two connections: each carries its echo */
  h1 = echo_pair_up (rx1, &tp1);
  h2 = echo_pair_up (rx2, &tp2);
  g_assert_cmpint (gst_pad_push (tp1, pattern (1000, 1)), ==, GST_FLOW_OK);
  g_assert_cmpint (gst_pad_push (tp2, pattern (1000, 2)), ==, GST_FLOW_OK);
  g_assert_true (rx_wait (rx1, 1000, FALSE));
  g_assert_true (rx_wait (rx2, 1000, FALSE));
  webrtcbins[0] = h1->wa;
  webrtcbins[1] = h1->wb;
  webrtcbins[2] = h2->wa;
  webrtcbins[3] = h2->wb;
  for (i = 0; i < 4; i++) {
    guint id = association_id (webrtcbins[i], "sctpdec");

    g_assert_cmpuint (association_id (webrtcbins[i], "sctpenc"), ==, id);
    for (j = 0; j < i; j++)
      g_assert_cmpuint (association_id (webrtcbins[j], "sctpdec"), !=, id);
  }
  g_atomic_int_set (&forced, 0);

  dog = g_thread_new ("watchdog", watchdog, &teardown);
  test_pad_free (tp1);
  test_pad_free (tp2);
  harness_free (h1);
  harness_free (h2);
  g_atomic_int_set (&teardown.done, 1);
  g_thread_join (dog);
  rx_free (rx1);
  rx_free (rx2);
}

/* ---- a pad release while the pipeline stops ----
 *
 * webrtcbin releases a closed channel's sctpenc pad on its own thread;
 * sctpenc's release resets the stream on its association, which sctpenc's
 * PAUSED->READY (on the application's thread) closes and frees: the two at
 * once used freed memory (a SIGSEGV in usrsctp_setsockopt, 1 run of
 * test-element in 185).  The element makes them take turns
 * (gstlibp2pencguard.c).  Here a release is held inside sctpenc (its pad's
 * deactivation waits) while another thread stops the pipeline: sctpenc's
 * PAUSED->READY must wait for the release to end. */

typedef struct
{
  GMutex lock;
  GCond cond;
  GThread *releaser;
  gboolean inside, go;
  GstPadActivateModeFunction old;
  GstElement *enc;
  GstPad *pad;
  GstElement *pipe;
  gint stopped;
} Hold;

static Hold hold;

static gboolean
held_activate (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  if (!active && g_thread_self () == g_atomic_pointer_get (&hold.releaser)) {
    gint64 end = deadline_s (10);

    g_mutex_lock (&hold.lock);
    hold.inside = TRUE;
    g_cond_broadcast (&hold.cond);
    while (!hold.go && g_cond_wait_until (&hold.cond, &hold.lock, end));
    g_mutex_unlock (&hold.lock);
  }
  return hold.old ? hold.old (pad, parent, mode, active) : TRUE;
}

static gpointer
release_run (gpointer data)
{
  g_atomic_pointer_set (&hold.releaser, g_thread_self ());
  gst_element_release_request_pad (hold.enc, hold.pad);
  return NULL;
}

static gpointer
stop_run (gpointer data)
{
  gst_element_set_state (hold.pipe, GST_STATE_NULL);
  g_atomic_int_set (&hold.stopped, 1);
  return NULL;
}

static void
enc_states (GstState * state, GstState * pending)
{
  GST_OBJECT_LOCK (hold.enc);
  *state = GST_STATE (hold.enc);
  *pending = GST_STATE_PENDING (hold.enc);
  GST_OBJECT_UNLOCK (hold.enc);
}

static void
test_release_during_stop (void)
{
  Rx *rx = rx_new ();
  GstPad *tp;
  Harness *h = echo_pair_up (rx, &tp);
  GThread *releaser, *stopper;
  GstState state, pending;
  GstIterator *it;
  GValue v = G_VALUE_INIT;
  gint64 end;

  /* the channel's sctpenc pad carries data: the association is up */
  g_assert_cmpint (gst_pad_push (tp, pattern (1000, 1)), ==, GST_FLOW_OK);
  g_assert_true (rx_wait (rx, 1000, FALSE));
  memset (&hold, 0, sizeof (hold));
  g_mutex_init (&hold.lock);
  g_cond_init (&hold.cond);
  hold.pipe = h->pipe;
  hold.enc = harness_find_child (h->wa, "sctpenc");
  g_assert_nonnull (hold.enc);
  it = gst_element_iterate_sink_pads (hold.enc);
  g_assert_cmpint (gst_iterator_next (it, &v), ==, GST_ITERATOR_OK);
  hold.pad = g_value_dup_object (&v);
  g_value_unset (&v);
  gst_iterator_free (it);
  hold.old = GST_PAD_ACTIVATEMODEFUNC (hold.pad);
  gst_pad_set_activatemode_function (hold.pad, held_activate);

  /* the release is inside sctpenc, held */
  releaser = g_thread_new ("releaser", release_run, NULL);
  end = deadline_s (WAIT_S);
  g_mutex_lock (&hold.lock);
  while (!hold.inside && g_cond_wait_until (&hold.cond, &hold.lock, end));
  g_assert_true (hold.inside);
  g_mutex_unlock (&hold.lock);

  /* the stop reaches sctpenc's PAUSED->READY and waits there */
  stopper = g_thread_new ("stopper", stop_run, NULL);
  end = deadline_s (WAIT_S);
  do {
    g_usleep (10 * 1000);
    enc_states (&state, &pending);
  } while (pending != GST_STATE_READY && state == GST_STATE_PAUSED &&
      g_get_monotonic_time () < end);
  g_usleep (300 * 1000);
  enc_states (&state, &pending);
  g_assert_cmpint (state, ==, GST_STATE_PAUSED);
  g_assert_cmpint (pending, ==, GST_STATE_READY);
  g_assert_false (g_atomic_int_get (&hold.stopped));

  /* the release ends, then the stop */
  g_mutex_lock (&hold.lock);
  hold.go = TRUE;
  g_cond_broadcast (&hold.cond);
  g_mutex_unlock (&hold.lock);
  g_thread_join (releaser);
  g_thread_join (stopper);
  enc_states (&state, &pending);
  g_assert_cmpint (state, ==, GST_STATE_NULL);
  g_assert_null (GST_OBJECT_PARENT (hold.pad));

  gst_object_unref (hold.pad);
  gst_object_unref (hold.enc);
  g_mutex_clear (&hold.lock);
  g_cond_clear (&hold.cond);
  test_pad_free (tp);
  harness_free (h);
  rx_free (rx);
}

/* ---- a stop while usrsctp's send buffer is full ----
 *
 * The remote went silent with data in flight, and the application stops.
 * 1.22.0 .. 1.22.2's sctpenc retries a partly sent buffer in its chain
 * until its pad flushes, and its PAUSED->READY stops the src task and
 * then waits for that chain (1.22.3, d7647035, "sctpenc: Fix potential
 * shutdown deadlock", flushes the pads first).  In webrtcbin sctpdec
 * leaves PAUSED first (it is nearer the sinks) and closes the association
 * both share, so the retry fails (EBADF) and the chain returns: measured
 * here with 1.22.0, no workaround needed.  Here a's usrsctp gets no SACK
 * (its sctpdec's input is dropped) while a sends 4 MiB, more than
 * usrsctp's 1 MiB send buffer: the pipeline must still stop. */

static GstPadProbeReturn
drop_all (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
  return GST_PAD_PROBE_DROP;
}

static void
test_stop_with_full_send_buffer (void)
{
  Rx *rx = rx_new ();
  GstPad *tp, *dec_sink;
  GstElement *dec;
  Harness *h;
  GThread *dog;
  Dog stop = { 0, 15, "stopping with usrsctp's send buffer full (sctpenc "
        "waiting for its chain, which waits for the buffer)" };
  gint dropped = 0;

  h = harness_new (ECHO_P, ECHO_P, FALSE);
  link_src_to_rx (h->a, rx);
  g_signal_connect (h->b, "pad-added", G_CALLBACK (pad_added_echo), h);
  /* the element's own backpressure above usrsctp's buffer */
  g_object_set (h->a, "dial-on-request", TRUE, "send-high-water",
      (guint64) 64 * 1024 * 1024, NULL);
  harness_start (h);
  tp = test_pad_for (h->a, "sink_" ECHO_K "_0");
  g_assert_cmpint (gst_pad_push (tp, pattern (1000, 1)), ==, GST_FLOW_OK);
  g_assert_true (rx_wait (rx, 1000, FALSE));

  /* a hears nothing from b any more: no SACK frees its send buffer */
  dec = harness_find_child (h->wa, "sctpdec");
  g_assert_nonnull (dec);
  dec_sink = gst_element_get_static_pad (dec, "sink");
  gst_pad_add_probe (dec_sink, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, drop_all, &dropped, NULL);
  g_assert_cmpint (gst_pad_push (tp, pattern (4 * 1024 * 1024, 2)), ==,
      GST_FLOW_OK);
  /* sctpenc's chain retries every 100 ms from now on */
  g_usleep (G_USEC_PER_SEC);

  dog = g_thread_new ("watchdog", watchdog, &stop);
  gst_element_set_state (h->pipe, GST_STATE_NULL);
  g_atomic_int_set (&stop.done, 1);
  g_thread_join (dog);
  g_assert_cmpint (g_atomic_int_get (&dropped), >, 0);

  gst_object_unref (dec_sink);
  gst_object_unref (dec);
  test_pad_free (tp);
  harness_free (h);
  rx_free (rx);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assoc/same-random-id", test_same_random_id);
  g_test_add_func ("/assoc/release-during-stop", test_release_during_stop);
  g_test_add_func ("/assoc/stop-with-full-send-buffer",
      test_stop_with_full_send_buffer);
  return harness_exit (g_test_run ());
}
