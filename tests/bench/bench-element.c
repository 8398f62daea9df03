/* Benchmarks: libp2pwebrtcbin against the raw webrtcbin data channel it
 * wraps, in the same run, over 127.0.0.1 (tests/element/harness.h).
 *
 *   bench-element [--quick]
 *
 *  1. bulk: one substream, BULK_MIB MiB one way, 16384-byte messages on the
 *     wire both ways (element: 16377-byte payload frames), alternated,
 *     RUNS runs each: MB/s of payload, median/min/max, and the ratio;
 *  2. open latency: from asking for a substream to the first echoed byte,
 *     lazy and non-lazy, against creating a raw channel and echoing one
 *     message;
 *  3. many substreams: MANY at once (time, memory per idle substream);
 *     3b. SEQ in sequence on one connection, each opened, 1 KiB each way,
 *     closed, threads/RSS/rate every SEQ / 10 (BENCH_SEQ=100000 is the
 *     long-lived issue's run); 3c. WAVE_N at once, WAVES times over, by
 *     either side (stream ids come back);
 * Each section prints one table.  Not a pass/fail test. */
#include "harness.h"
#include "pad-echo.h"
#include "frame.h"

#include <stdio.h>

static guint BULK_MIB = 256;
static guint RUNS = 5;
static guint LAT_N = 30;
static guint MANY = 1000;
/* 100,000 (BENCH_SEQ) take ~3 minutes here: the default shows the trend */
static guint SEQ = 2000;
static guint WAVE_N = 500;
static guint WAVES = 10;

#define MSG 16384               /* bytes per data-channel message */


static guint64
rss_kib (const gchar * field)
{
  g_autofree gchar *status = NULL;
  gchar *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  p = strstr (status, field);
  return p ? g_ascii_strtoull (p + strlen (field), NULL, 10) : 0;
}







/* ---- 1. bulk ---- */

static void
on_opened_link_counter (GstElement * el, guint id, const gchar * protocol,
    GstPad * src, GstPad * counter)
{
  gst_pad_link (src, counter);
}

static gdouble
bulk_element (guint64 total)
{
  Harness *h = harness_new ("/bulk/1.0.0", "/bulk/1.0.0", FALSE);
  Counter c = { 0, };
  GstPad *cp = counting_pad (&c);
  GstPad *sink, *tp;
  GstSegment seg;
  guint64 sent = 0;
  gsize payload = lp2p_frame_max_payload (MSG);
  gdouble t0, secs;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  g_signal_connect (h->b, "substream-opened",
      G_CALLBACK (on_opened_link_counter), cp);
  g_object_set (h->a, "dial-on-request", TRUE, NULL);
  harness_start (h);
  sink = gst_element_request_pad_simple (h->a, "sink_bulk-1-0-0_0");
  tp = gst_pad_new ("bulksrc", GST_PAD_SRC);
  gst_pad_set_active (tp, TRUE);
  gst_pad_link (tp, sink);
  gst_pad_push_event (tp, gst_event_new_stream_start ("bulk"));
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  gst_pad_push_event (tp, gst_event_new_segment (&seg));

  t0 = now_s ();
  while (sent < total) {
    gsize n = MIN (payload, total - sent);
    GstBuffer *b = gst_buffer_new_allocate (NULL, n, NULL);

    gst_buffer_memset (b, 0, (guint8) sent, n);
    if (gst_pad_push (tp, b) != GST_FLOW_OK)
      break;
    sent += n;
  }
  if (!counter_wait (&c, total, 120))
    g_printerr ("bulk (element): only %" G_GUINT64_FORMAT " bytes arrived\n",
        c.bytes);
  secs = c.last - t0;
  gst_pad_set_active (tp, FALSE);
  gst_object_unref (tp);
  gst_object_unref (sink);
  harness_free (h);
  gst_pad_set_active (cp, FALSE);
  gst_object_unref (cp);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
  return c.bytes / secs / 1e6;
}

/* raw: the receiver counts in on-message-data */
typedef struct
{
  Counter c;
  GstWebRTCDataChannel *tx;
  gboolean open;
  GMutex lock;
  GCond cond;
} Raw;

static void
raw_count (GstWebRTCDataChannel * ch, GBytes * data, Counter * c)
{
  g_mutex_lock (&c->lock);
  if (c->bytes == 0)
    c->first = now_s ();
  c->bytes += g_bytes_get_size (data);
  c->last = now_s ();
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static void
raw_on_dc (GstElement * w, GstWebRTCDataChannel * ch, Counter * c)
{
  g_signal_connect (ch, "on-message-data", G_CALLBACK (raw_count), c);
}

static void
raw_low (GstWebRTCDataChannel * ch, Raw * r)
{
  g_mutex_lock (&r->lock);
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

/* Two plain webrtcbins connected like the harness does, with one data
 * channel @label created by a before the offer. */
static Harness *
raw_pair_new (Counter * rx, GstWebRTCDataChannel ** ch)
{
  Harness *h = harness_alloc ();
  GstStructure *o;

  h->a = gst_element_factory_make ("webrtcbin", "ra");
  h->b = gst_element_factory_make ("webrtcbin", "rb");
  h->wa = gst_object_ref (h->a);
  h->wb = gst_object_ref (h->b);
  harness_wire (h);
  if (rx)
    g_signal_connect (h->wb, "on-data-channel", G_CALLBACK (raw_on_dc), rx);
  gst_element_set_state (h->pipe, GST_STATE_PLAYING);
  o = gst_structure_new ("application/data-channel", "ordered",
      G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (h->wa, "create-data-channel", "bench", o, ch);
  gst_structure_free (o);
  g_signal_emit_by_name (h->wa, "create-offer", NULL,
      gst_promise_new_with_change_func (offer_created, h, NULL));
  if (!harness_wait_connected (h) || !raw_wait_open (*ch))
    g_printerr ("raw pair: no connection\n");
  return h;
}

static gdouble
bulk_raw (guint64 total)
{
  Raw r;
  GstWebRTCDataChannel *ch = NULL;
  Harness *h;
  guint64 sent = 0;
  gdouble t0, secs;
  guint8 *data = g_malloc0 (MSG);

  memset (&r, 0, sizeof (r));
  g_mutex_init (&r.c.lock);
  g_cond_init (&r.c.cond);
  g_mutex_init (&r.lock);
  g_cond_init (&r.cond);
  h = raw_pair_new (&r.c, &ch);
  g_object_set (ch, "buffered-amount-low-threshold", (guint64) 512 * 1024,
      NULL);
  g_signal_connect (ch, "on-buffered-amount-low", G_CALLBACK (raw_low), &r);

  t0 = now_s ();
  while (sent < total) {
    GBytes *b = g_bytes_new_static (data, MSG);
    guint64 amount = 0;

    /* the same 1 MiB high-water mark as the element's default */
    for (;;) {
      g_object_get (ch, "buffered-amount", &amount, NULL);
      if (amount <= 1024 * 1024)
        break;
      g_mutex_lock (&r.lock);
      g_cond_wait_until (&r.cond, &r.lock, g_get_monotonic_time () +
          100 * G_TIME_SPAN_MILLISECOND);
      g_mutex_unlock (&r.lock);
    }
    gst_webrtc_data_channel_send_data_full (ch, b, NULL);
    g_bytes_unref (b);
    sent += MSG;
  }
  if (!counter_wait (&r.c, total, 120))
    g_printerr ("bulk (raw): only %" G_GUINT64_FORMAT " bytes arrived\n",
        r.c.bytes);
  secs = r.c.last - t0;
  g_object_unref (ch);
  harness_free (h);
  g_free (data);
  return r.c.bytes / secs / 1e6;
}

static void
bench_bulk (void)
{
  gdouble el[16], raw[16];
  Summary sel, sraw;
  guint64 total = (guint64) BULK_MIB * 1024 * 1024;
  guint i;

  for (i = 0; i < RUNS; i++) {
    el[i] = bulk_element (total);
    raw[i] = bulk_raw (total);
    g_printerr ("  bulk run %u: element %.1f MB/s, raw %.1f MB/s\n", i + 1,
        el[i], raw[i]);
  }
  printf ("\n1. Bulk throughput: %u MiB one way, 16384-byte messages, %u "
      "runs each, alternated\n", BULK_MIB, RUNS);
  printf ("| path | median MB/s | min | max |\n|---|---|---|---|\n");
  sel = summarize (el, RUNS);
  sraw = summarize (raw, RUNS);
  printf ("| libp2pwebrtcbin substream (payload) | %.1f | %.1f | %.1f |\n",
      sel.median, sel.min, sel.max);
  printf ("| raw webrtcbin data channel | %.1f | %.1f | %.1f |\n",
      sraw.median, sraw.min, sraw.max);
  printf ("| ratio element / raw (medians) | %.3f | | |\n",
      sel.median / sraw.median);
}






/* a's outbound substreams: their src pad goes to the shared counter */



/* ---- 2. open latency ----
 * What an application sees: once connected, the harness's own recorders
 * (every substream report and bus message copied under its lock, on the
 * path of each open) are taken off; the echo's and the counter's
 * substream-opened handlers stay. */

static void
latency_element (gboolean lazy, gboolean in_pad_added, gdouble * out,
    guint n)
{
  Counter c = { 0, };
  g_autoptr (GPtrArray) kb = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) ka = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) tps = g_ptr_array_new_with_free_func (pad_free);
  Harness *h;
  guint i;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  h = echo_pair_linked (kb, ka, &c, in_pad_added);
  g_object_set (h->a, "lazy", lazy, NULL);
  harness_start (h);
  harness_stop_recording (h);
  for (i = 0; i < n; i++) {
    g_autofree gchar *name = g_strdup_printf ("sink_echo-1-0-0_%u", i);
    gdouble t0 = now_s ();
    GstPad *tp = pusher_for (h->a, name);

    gst_pad_push (tp, gst_buffer_new_memdup ("x", 1));
    counter_wait (&c, i + 1, 10);
    out[i] = (c.last - t0) * 1e3;
    g_ptr_array_add (tps, tp);
  }
  harness_free (h);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
}

typedef struct
{
  Counter c;
  gpointer sent_on;             /* the channel the byte was sent on */
} Lat;

static void
lat_echo_msg (GstWebRTCDataChannel * ch, GBytes * data, gpointer u)
{
  gst_webrtc_data_channel_send_data_full (ch, data, NULL);
}

static void
lat_remote_dc (GstElement * w, GstWebRTCDataChannel * ch, gpointer u)
{
  g_signal_connect (ch, "on-message-data", G_CALLBACK (lat_echo_msg), NULL);
}

static void
lat_open_send (GstWebRTCDataChannel * ch, gpointer u)
{
  GBytes *b;

  /* on-open, or the ready-state check after connecting it: once */
  if (g_atomic_pointer_exchange ((gpointer *) & ((Lat *) u)->sent_on, ch) ==
      (gpointer) ch)
    return;
  b = g_bytes_new_static ("x", 1);

  gst_webrtc_data_channel_send_data_full (ch, b, NULL);
  g_bytes_unref (b);
}

static void
latency_raw (gdouble * out, guint n)
{
  Lat l;
  GstWebRTCDataChannel *first = NULL;
  g_autoptr (GPtrArray) chans = g_ptr_array_new_with_free_func (g_object_unref);
  Harness *h;
  guint i;

  memset (&l, 0, sizeof (l));
  g_mutex_init (&l.c.lock);
  g_cond_init (&l.c.cond);
  h = raw_pair_new (NULL, &first);
  g_signal_connect (h->wb, "on-data-channel", G_CALLBACK (lat_remote_dc),
      NULL);
  for (i = 0; i < n; i++) {
    GstWebRTCDataChannel *ch = NULL;
    GstStructure *o = gst_structure_new ("application/data-channel",
        "ordered", G_TYPE_BOOLEAN, TRUE, NULL);
    gdouble t0 = now_s ();

    g_signal_emit_by_name (h->wa, "create-data-channel", "", o, &ch);
    gst_structure_free (o);
    g_signal_connect (ch, "on-message-data", G_CALLBACK (raw_count), &l.c);
    g_signal_connect (ch, "on-open", G_CALLBACK (lat_open_send), &l);
    {
      GstWebRTCDataChannelState st;

      g_object_get (ch, "ready-state", &st, NULL);
      if (st == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
        lat_open_send (ch, &l);
    }
    counter_wait (&l.c, i + 1, 10);
    out[i] = (l.c.last - t0) * 1e3;
    g_ptr_array_add (chans, ch);
  }
  g_object_unref (first);
  harness_free (h);
}

static void
bench_latency (void)
{
  gdouble lazy[64], added[64], eager[64], raw[64];
  Summary sl, sa, se, sr;

  /* The first connection of the process is slower throughout (in 16
   * runs with the order of the two lazy paths swapped, whichever came
   * first was about 0.3 ms slower per open): one unmeasured round first */
  latency_element (TRUE, FALSE, lazy, LAT_N);
  latency_element (TRUE, FALSE, lazy, LAT_N);
  latency_element (TRUE, TRUE, added, LAT_N);
  latency_element (FALSE, FALSE, eager, LAT_N);
  latency_raw (raw, LAT_N);
  sl = summarize (lazy, LAT_N);
  sa = summarize (added, LAT_N);
  se = summarize (eager, LAT_N);
  sr = summarize (raw, LAT_N);
  printf ("\n2. Open latency: ask for a substream -> first echoed byte, "
      "established connection, %u each\n", LAT_N);
  printf ("| path | median ms | min | max | vs raw |\n|---|---|---|---|---|\n");
  printf ("| element, lazy dial | %.2f | %.2f | %.2f | %.2f |\n", sl.median,
      sl.min, sl.max, sl.median / sr.median);
  printf ("| element, lazy dial, pads linked in pad-added | %.2f | %.2f | "
      "%.2f | %.2f |\n", sa.median, sa.min, sa.max, sa.median / sr.median);
  printf ("| element, wait for confirmation | %.2f | %.2f | %.2f | %.2f |\n",
      se.median, se.min, se.max, se.median / sr.median);
  printf ("| raw: create channel, echo one message | %.2f | %.2f | %.2f | "
      "1.00 |\n", sr.median, sr.min, sr.max);
}

/* ---- 3. many substreams ---- */

static void
bench_many (void)
{
  Harness *h = harness_new ("/idle/1.0.0", "/idle/1.0.0", FALSE);
  guint64 rss0, rss1;
  gdouble t0, t_many;
  guint i, id, opened_a;

  g_object_set (h->a, "negotiation-timeout", 60 * GST_SECOND, NULL);
  g_object_set (h->b, "negotiation-timeout", 60 * GST_SECOND, NULL);
  harness_start (h);
  rss0 = rss_kib ("VmRSS:");
  t0 = now_s ();
  for (i = 0; i < MANY; i++)
    g_signal_emit_by_name (h->a, "open-substream", "/idle/1.0.0", NULL, &id);
  for (;;) {
    opened_a = count_events (h, 'a', 'o') + count_events (h, 'a', 'f');
    if ((opened_a >= MANY && count_events (h, 'b', 'o') >=
            count_events (h, 'a', 'o')) || now_s () - t0 > 120)
      break;
    g_usleep (5000);
  }
  t_many = now_s () - t0;
  g_usleep (200 * 1000);
  rss1 = rss_kib ("VmRSS:");
  printf ("\n3. Many substreams on one connection\n");
  printf ("| measure | value |\n|---|---|\n");
  printf ("| %u opened at once: opened / failed | %u / %u |\n", MANY,
      count_events (h, 'a', 'o'), count_events (h, 'a', 'f'));
  printf ("| %u at once: time to all opened on both sides | %.2f s "
      "(%.0f opens/s) |\n", MANY, t_many, MANY / t_many);
  printf ("| memory per idle open substream, both ends in this process | "
      "%.1f KiB |\n", (gdouble) (rss1 - rss0) /
      MAX (1, count_events (h, 'a', 'o')));
  printf ("| threads of the process with those open | %u |\n",
      thread_count ());
  harness_free (h);
}

/* What the harness and the echo recorded about finished substreams goes:
 * only the element's own memory is measured. */
static void
forget_finished (Harness * h, Counter * c, GPtrArray * kb, GPtrArray * ka)
{
  g_mutex_lock (&h->lock);
  g_ptr_array_remove_range (kb, 0, MIN (kb->len, 64));
  g_ptr_array_set_size (h->events, 0);
  g_ptr_array_set_size (h->bus_messages, 0);
  g_mutex_unlock (&h->lock);
  g_mutex_lock (&c->lock);
  g_ptr_array_remove_range (ka, 0, MIN (ka->len, 32));
  g_mutex_unlock (&c->lock);
}

/* 3b. SEQ substreams in sequence on one connection (open, 1 KiB each way,
 * FIN both ways); threads, RSS and the rate sampled every SEQ / 10. */
static void
bench_sequence (void)
{
  g_autoptr (GPtrArray) kb = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) ka = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) tps = g_ptr_array_new_with_free_func (pad_free);
  GstBuffer *kib = gst_buffer_new_allocate (NULL, 1024, NULL);
  guint step = MAX (1, SEQ / 10), i, done = 0;
  gdouble t0, t_step, first = 0, last = 0;
  guint threads1 = 0;
  gdouble rss1 = 0;
  Counter c = { 0, };
  Harness *h;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  h = echo_pair (kb, ka, &c);
  /* BENCH_KEEP_CLOSED=1: webrtcbin 1.22's closed channels left in place */
  g_object_set (h->a, "lazy", TRUE, "free-closed-channels",
      g_getenv ("BENCH_KEEP_CLOSED") == NULL, NULL);
  g_object_set (h->b, "free-closed-channels",
      g_getenv ("BENCH_KEEP_CLOSED") == NULL, NULL);
  harness_start (h);
  printf ("\n3b. %u substreams in sequence on one connection (open, 1 KiB "
      "each way, FIN both ways)\n", SEQ);
  printf ("| done | threads | RSS MiB | seconds for the last %u |\n"
      "|---|---|---|---|\n", step);
  printf ("| 0 | %u | %.1f | |\n", thread_count (),
      rss_kib ("VmRSS:") / 1024.0);
  t0 = t_step = now_s ();
  for (i = 0; i < SEQ; i++) {
    g_autofree gchar *name = g_strdup_printf ("sink_echo-1-0-0_%u", i);
    GstPad *tp = pusher_for (h->a, name);

    gst_pad_push (tp, gst_buffer_ref (kib));
    gst_pad_push_event (tp, gst_event_new_eos ());
    if (!counter_wait (&c, (guint64) (i + 1) * 1024, 10))
      break;
    done++;
    g_ptr_array_add (tps, tp);
    /* the connection carrying its first substream: every thread of its
     * own (DTLS, SCTP, channel 0's) runs from here on */
    if (done == 1) {
      threads1 = thread_count ();
      rss1 = rss_kib ("VmRSS:");
      printf ("| 1 | %u | %.1f | |\n", threads1, rss1 / 1024.0);
    }
    if (tps->len > 64) {
      forget_finished (h, &c, kb, ka);
      g_ptr_array_remove_range (tps, 0, 32);
    }
    if (done % step == 0) {
      gdouble now = now_s ();

      if (first == 0)
        first = now - t_step;
      last = now - t_step;
      printf ("| %u | %u | %.1f | %.2f |\n", done, thread_count (),
          rss_kib ("VmRSS:") / 1024.0, last);
      t_step = now;
    }
  }
  printf ("| %u in sequence: done | %u in %.1f s (%.0f substreams/s); the "
      "last %u took %.2f x the first |\n", SEQ, done, now_s () - t0,
      done / (now_s () - t0), step, first > 0 ? last / first : 0.0);
  printf ("| since the first substream | threads %+d, RSS %+.1f MiB |\n",
      (gint) thread_count () - (gint) threads1,
      (rss_kib ("VmRSS:") - rss1) / 1024.0);
  /* GLib's and GStreamer's pools park idle threads for 15 s */
  if (SEQ >= 10000) {
    g_usleep (16 * G_USEC_PER_SEC);
    printf ("| 16 s later, the connection idle | threads %u, RSS %.1f MiB |\n",
        thread_count (), rss_kib ("VmRSS:") / 1024.0);
  }
  gst_buffer_unref (kib);
  g_ptr_array_set_size (tps, 0);
  harness_free (h);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
}

/* 3c. WAVE_N substreams opened at once, each 1 KiB each way and FIN, all
 * ended, WAVES times over on one connection; by @opener ('a' the element
 * that asks, 'b' the remote).  Shows that stream ids come back: webrtcbin
 * has 1024 streams per association, 511 per side. */
static void
bench_waves (gchar opener)
{
  g_autoptr (GPtrArray) kb = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) ka = g_ptr_array_new_with_free_func (pad_free);
  g_autoptr (GPtrArray) tps = g_ptr_array_new_with_free_func (pad_free);
  GstBuffer *kib = gst_buffer_new_allocate (NULL, 1024, NULL);
  Counter c = { 0, };
  guint w, i, total = 0;
  Harness *h;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  h = echo_pair (kb, ka, &c);
  if (opener == 'b') {
    /* b asks, a echoes: swap the roles of the pair */
    g_object_set_data (G_OBJECT (h->a), "h", h);
    g_object_set_data (G_OBJECT (h->b), "counter", &c);
    g_signal_handlers_disconnect_matched (h->a, G_SIGNAL_MATCH_FUNC, 0, 0,
        NULL, a_opened_to_counter, NULL);
    g_signal_handlers_disconnect_matched (h->b, G_SIGNAL_MATCH_FUNC, 0, 0,
        NULL, echo_opened, NULL);
    g_signal_connect (h->a, "substream-opened", G_CALLBACK (echo_opened),
        kb);
    g_signal_connect (h->b, "substream-opened",
        G_CALLBACK (a_opened_to_counter), ka);
    g_object_set (h->a, "dial-on-request", FALSE, NULL);
    g_object_set (h->b, "dial-on-request", TRUE, NULL);
  }
  g_object_set (h->a, "free-closed-channels", TRUE, NULL);
  g_object_set (h->b, "free-closed-channels", TRUE, NULL);
  harness_start (h);
  printf ("\n3c. %u substreams at once, opened by %s, %u times over on one "
      "connection (1 KiB each way, FIN)\n", WAVE_N, opener == 'a' ?
      "this side" : "the remote", WAVES);
  printf ("| wave | echoed | seconds | threads after | RSS MiB after |\n"
      "|---|---|---|---|---|\n");
  printf ("| 0 (connected) | | | %u | %.1f |\n", thread_count (),
      rss_kib ("VmRSS:") / 1024.0);
  for (w = 0; w < WAVES; w++) {
    gdouble t0 = now_s ();
    guint64 want = (guint64) (total + WAVE_N) * 1024, got;

    for (i = 0; i < WAVE_N; i++) {
      g_autofree gchar *name = g_strdup_printf ("sink_echo-1-0-0_%u",
          total + i);
      GstPad *tp = pusher_for (opener == 'a' ? h->a : h->b, name);

      gst_pad_push (tp, gst_buffer_ref (kib));
      gst_pad_push_event (tp, gst_event_new_eos ());
      g_ptr_array_add (tps, tp);
    }
    counter_wait (&c, want, 60);
    g_mutex_lock (&c.lock);
    got = c.bytes;
    g_mutex_unlock (&c.lock);
    /* every one of them ended on both sides before the next wave */
    g_usleep (500 * 1000);
    g_ptr_array_set_size (tps, 0);
    while (kb->len || ka->len)
      forget_finished (h, &c, kb, ka);
    printf ("| %u | %" G_GUINT64_FORMAT " of %u | %.2f | %u | %.1f |\n",
        w + 1, (got - (guint64) total * 1024) / 1024, WAVE_N, now_s () - t0,
        thread_count (), rss_kib ("VmRSS:") / 1024.0);
    total = got / 1024;
    if (got < want)
      break;
  }
  gst_buffer_unref (kib);
  harness_free (h);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
}

int
main (int argc, char **argv)
{
  gboolean quick = argc > 1 && g_str_equal (argv[1], "--quick");

  gst_init (&argc, &argv);
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (g_getenv ("BENCH_SEQ"))
    SEQ = atoi (g_getenv ("BENCH_SEQ"));
  if (g_getenv ("BENCH_WAVES"))
    WAVES = atoi (g_getenv ("BENCH_WAVES"));
  if (quick) {
    BULK_MIB = 16;
    RUNS = 2;
    LAT_N = 5;
    MANY = 50;
    SEQ = 100;
    WAVE_N = 50;
    WAVES = 3;
  }
  if (g_getenv ("BENCH_ONLY") == NULL || strstr (g_getenv ("BENCH_ONLY"),
          "bulk"))
    bench_bulk ();
  if (g_getenv ("BENCH_ONLY") == NULL || strstr (g_getenv ("BENCH_ONLY"),
          "latency"))
    bench_latency ();
  if (g_getenv ("BENCH_ONLY") == NULL || strstr (g_getenv ("BENCH_ONLY"),
          "many"))
    bench_many ();
  if (g_getenv ("BENCH_ONLY") == NULL || strstr (g_getenv ("BENCH_ONLY"),
          "sequence"))
    bench_sequence ();
  if (g_getenv ("BENCH_ONLY") == NULL || strstr (g_getenv ("BENCH_ONLY"),
          "waves")) {
    bench_waves ('a');
    bench_waves ('b');
  }
  return 0;
}
