/* Long-lived connections (issue "Long-lived connections"): what a
 * connection that opens a substream per request does to the process.
 *
 * webrtcbin 1.22 keeps every closed data channel's appsrc/appsink bins and
 * their threads (docs/benchmarks.md: 4,032 threads after 2,000 sequential
 * substreams); the element takes them out at CLOSED, as webrtcbin 1.25.1
 * does itself, with free-closed-channels (gst/gstlibp2pwebrtc.c,
 * "reaping").  Over real webrtcbins on
 * 127.0.0.1 (harness.h), application signalling, echo on b with floating
 * pads (pad-echo.h: no threads of the test's own). */
#include "harness.h"
#include "pad-echo.h"

/* SEQ_N=n in the environment runs n instead */
#define SEQ_N (g_getenv ("SEQ_N") ? (guint) atoi (g_getenv ("SEQ_N")) : 2000)
/* GLib's and GStreamer's thread pools settle during the first ones */
#define SEQ_WARM (SEQ_N / 10)
#define RSS_GROWTH_KIB (8 * 1024)
#if defined(__SANITIZE_ADDRESS__)
#define RSS_BOUNDED FALSE
#else
#define RSS_BOUNDED TRUE
#endif

/* Substreams that ended otherwise than cleanly (closed with an error, or
 * failed) among the harness's events; call with h->lock. */
static guint
unclean_ends_locked (Harness * h)
{
  guint i, n = 0;

  for (i = 0; i < h->events->len; i++) {
    Event *e = g_ptr_array_index (h->events, i);

    if ((e->kind == 'c' && e->code != -1) || e->kind == 'f') {
      if (n == 0)
        g_test_message ("%c: substream %u ended: %s", e->side, e->id,
            e->message);
      n++;
    }
  }
  return n;
}

/* SEQ_N substreams one after the other (open, 1 KiB each way, FIN both
 * ways): threads at the end within 16 of those after SEQ_WARM (before the
 * element took the closed channels' elements out: 229 -> 2,030 over 1,000).
 * RSS grows by at most RSS_GROWTH_KIB between them (measured: +1.2 MiB
 * over 1,800, +0.6 MiB over 18,000; the ~64 KiB per substream seen before
 * was this harness's: its bus handler dropped messages without unreffing
 * them, and each held a src pad and its task).  Not under ASan, whose
 * quarantine keeps freed memory.
 * Opens: webrtcbin 1.22 used to lose ~1 in 1,000 (a reused stream id's
 * DCEP OPEN went to the closing channel that had it, or out on the old
 * stream before its reset: docs/element.md); the reuse guard avoids both.
 * One still fails in about 1 of 10 runs of 2,000 with the suite's load
 * (none in 36 runs alone, none in the benchmark's 100,000), cause not
 * found: at most one may, and it is printed. */
static void
test_threads_flat_sequential (void)
{
  g_autoptr (GPtrArray) kb = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) ka = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) tps = g_ptr_array_new_with_free_func (pad_free);
  GstBuffer *kib = gst_buffer_new_allocate (NULL, 1024, NULL);
  Counter c = { 0, };
  guint threads0 = 0, threads1, done = 0, lost = 0, n = 0, unclean = 0;
  guint64 rss0 = 0, rss1, want = 0;
  gdouble t0 = 0, rate;
  Harness *h;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  h = echo_pair (kb, ka, &c);
  g_object_set (h->a, "negotiation-timeout", 2 * GST_SECOND,
      "fin-ack-timeout", 2 * GST_SECOND, "free-closed-channels", TRUE, NULL);
  g_object_set (h->b, "fin-ack-timeout", 2 * GST_SECOND,
      "free-closed-channels", TRUE, NULL);
  harness_start (h);
  while (done < SEQ_N) {
    g_autofree gchar *name = g_strdup_printf ("sink_echo-1-0-0_%u", n++);
    GstPad *tp = pusher_for (h->a, name);

    gst_pad_push (tp, gst_buffer_ref (kib));
    gst_pad_push_event (tp, gst_event_new_eos ());
    g_ptr_array_add (tps, tp);
    if (counter_wait (&c, want + 1024, 4)) {
      want += 1024;
      done++;
    } else {
      lost++;
      g_assert_cmpuint (lost, <=, 1);
    }
    if (done == SEQ_WARM && threads0 == 0) {
      threads0 = thread_count ();
      rss0 = process_rss_kib ();
      t0 = now_s ();
    }
    /* keep what the test holds bounded: drop finished substreams' pads */
    if (tps->len > 64) {
      g_mutex_lock (&h->lock);
      g_ptr_array_remove_range (kb, 0, MIN (kb->len, 64));
      /* and what the harness recorded: its events and bus messages hold
       * the src pads of every substream */
      unclean += unclean_ends_locked (h);
      g_ptr_array_set_size (h->events, 0);
      g_ptr_array_set_size (h->bus_messages, 0);
      g_mutex_unlock (&h->lock);
      g_mutex_lock (&c.lock);
      g_ptr_array_remove_range (ka, 0, MIN (ka->len, 32));
      g_mutex_unlock (&c.lock);
      g_ptr_array_remove_range (tps, 0, 32);
    }
  }
  threads1 = thread_count ();
  rss1 = process_rss_kib ();
  rate = (SEQ_N - SEQ_WARM) / (now_s () - t0);
  /* a FIN_ACK lost in a close shows as its peer's timeout */
  g_usleep (2500 * 1000);
  g_mutex_lock (&h->lock);
  unclean += unclean_ends_locked (h);
  g_mutex_unlock (&h->lock);
  g_test_message ("%u substreams in sequence: threads %u after %u, %u at "
      "the end; RSS %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT " KiB; "
      "%.0f substreams/s; %u opens lost and opened again; %u substreams "
      "ended unclean", SEQ_N, threads0, SEQ_WARM, threads1, rss0, rss1,
      rate, lost, unclean);
  {
    g_autofree gchar *names = thread_names ();

    g_test_message ("threads at the end: %s", names);
  }
  g_assert_cmpuint (threads1, <=, threads0 + 16);
  /* nothing sent before a close is lost: every substream ends with FIN and
   * FIN_ACK both ways (webrtcbin 1.22 could tear a channel down before its
   * last message went: docs/element.md); a lost open's TIMEOUT is its one
   * unclean end */
  g_assert_cmpuint (unclean, <=, lost);
  if (RSS_BOUNDED)
    g_assert_cmpuint (rss1, <=, rss0 + RSS_GROWTH_KIB);
  gst_buffer_unref (kib);
  g_ptr_array_set_size (tps, 0);
  harness_free (h);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/longlived/threads-flat-sequential",
      test_threads_flat_sequential);
  return harness_exit (g_test_run ());
}
