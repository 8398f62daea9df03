/* A slow consumer loses nothing (issue "A slow consumer loses nothing"):
 * flow control of the receive side, between two elements over real
 * webrtcbins on 127.0.0.1 (harness.h).
 *
 * The receiving element's src pad feeds a consumer that stops taking data
 * for PAUSE_S once, as a disk or a busy CPU does to a filesink.  Before,
 * the 4 MiB receive queue overflowed within ~0.1 s of such a pause at
 * these rates and the substream was reset.  Now the queue's high-water
 * mark holds the connection's receive path before SCTP (gst/
 * gstlibp2pgate.c): the sender's data waits unacknowledged, nothing is
 * lost, memory stays bounded. */
#include "harness.h"

/* PAUSE_S=n in the environment pauses n s instead (0: no pause, for the
 * benchmark's figure without one: scripts/bench.sh) */
#define PAUSE_S (g_getenv ("PAUSE_S") ? atoi (g_getenv ("PAUSE_S")) : 2)
/* SIZE_MIB=n in the environment sends n MiB instead; under ASan (about
 * five times slower) 64 */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_BOUNDED FALSE
#define SIZE_MIB_DEFAULT 64
#else
#define RSS_BOUNDED TRUE
#define SIZE_MIB_DEFAULT 256
#endif
#define TOTAL ((guint64) (g_getenv ("SIZE_MIB") ? atoi (g_getenv \
        ("SIZE_MIB")) : SIZE_MIB_DEFAULT) * 1024 * 1024)
#define PAUSE_AT (TOTAL / 4)
#define RSS_GROWTH_KIB (96 * 1024)

/* the consumer: a floating sink pad hashing what it gets */
typedef struct
{
  GMutex lock;
  GCond cond;
  GChecksum *sum;
  guint64 bytes;
  gboolean eos, paused;
  guint64 rss0, rss_peak;
  gdouble t_first, t_last;
  GstElement *el;               /* the receiving element */
} Consumer;

/* The receiving element held its receive path at least once. */
static gboolean
held_once (GstElement * el)
{
  GstStructure *st = NULL;
  guint64 holds = 0;

  g_object_get (el, "stats", &st, NULL);
  if (st) {
    gst_structure_get_uint64 (st, "receive-holds", &holds);
    gst_structure_free (st);
  }
  return holds > 0;
}

static GstFlowReturn
consumer_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  Consumer *c = g_object_get_data (G_OBJECT (pad), "consumer");
  GstMapInfo map;
  gboolean pause = FALSE;

  gst_buffer_map (buf, &map, GST_MAP_READ);
  g_mutex_lock (&c->lock);
  if (c->bytes == 0)
    c->t_first = g_get_monotonic_time () / 1e6;
  g_checksum_update (c->sum, map.data, map.size);
  if (c->bytes / (16 << 20) != (c->bytes + map.size) / (16 << 20)) {
    c->rss_peak = MAX (c->rss_peak, process_rss_kib ());
    if (g_getenv ("FLOW_TRACE"))
      g_printerr ("# %.2f s: %" G_GUINT64_FORMAT " MiB\n",
          g_get_monotonic_time () / 1e6, c->bytes >> 20);
  }
  c->bytes += map.size;
  c->t_last = g_get_monotonic_time () / 1e6;
  if (!c->paused && c->bytes >= PAUSE_AT)
    pause = c->paused = PAUSE_S > 0;
  g_mutex_unlock (&c->lock);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  if (pause) {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    /* the downstream takes nothing for a while; on a machine slow enough
     * (ASan beside another test: 2.2 MB/s) that PAUSE_S does not fill the
     * queue to its high-water mark, until it did (10 s more at most) */
    g_usleep (PAUSE_S * G_USEC_PER_SEC);
    while (!held_once (c->el) && g_get_monotonic_time () < end)
      g_usleep (100 * 1000);
    g_mutex_lock (&c->lock);
    c->rss_peak = MAX (c->rss_peak, process_rss_kib ());
    g_mutex_unlock (&c->lock);
  }
  return GST_FLOW_OK;
}

static gboolean
consumer_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  Consumer *c = g_object_get_data (G_OBJECT (pad), "consumer");

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    g_mutex_lock (&c->lock);
    c->eos = TRUE;
    g_cond_broadcast (&c->cond);
    g_mutex_unlock (&c->lock);
  }
  gst_event_unref (event);
  return TRUE;
}

static void
on_opened_link (GstElement * el, guint id, const gchar * protocol,
    GstPad * src, GstPad * consumer)
{
  if (g_str_equal (protocol, "/bulk/1.0.0"))
    g_assert_cmpint (gst_pad_link (src, consumer), ==, GST_PAD_LINK_OK);
}

/* xorshift64: data that does not compress, the same on both sides */
static void
fill (guint8 * p, gsize n, guint64 * state)
{
  gsize i;

  for (i = 0; i + 8 <= n; i += 8) {
    guint64 x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    memcpy (p + i, &x, 8);
  }
}

typedef struct
{
  guint64 max_rtt, pings, pongs;
} PingSeen;

static void
sample_pings (GstElement * el, PingSeen * p)
{
  GstStructure *st = NULL;
  guint64 rtt = 0;

  g_object_get (el, "stats", &st, NULL);
  gst_structure_get_uint64 (st, "ping-rtt", &rtt);
  gst_structure_get_uint64 (st, "pings-sent", &p->pings);
  gst_structure_get_uint64 (st, "pongs-received", &p->pongs);
  p->max_rtt = MAX (p->max_rtt, rtt);
  gst_structure_free (st);
}

/* TOTAL bytes a -> b on one substream; b's consumer pauses PAUSE_S once.
 * @ping: a's keepalive pings b every 300 ms on a second substream
 * meanwhile.  Asserts the SHA-256 of what arrived, a clean close, the
 * hold in b's stats, RSS; returns the throughput (MB/s). */
static gdouble
transfer_with_pause (gboolean ping, PingSeen * ps)
{
  Harness *h = harness_new ("/bulk/1.0.0", "/bulk/1.0.0", FALSE);
  Consumer c = { 0 };
  GstPad *cp = gst_pad_new ("consumer", GST_PAD_SINK), *sink, *tp;
  g_autoptr (GChecksum) sent = g_checksum_new (G_CHECKSUM_SHA256);
  GstStructure *st = NULL;
  g_autofree gchar *st_text = NULL;
  guint64 pushed = 0, state = 0x9e3779b97f4a7c15ull, holds = 0, peak = 0;
  gsize payload = 16377;
  GstSegment seg;
  gint64 end;
  Event *e;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  c.sum = g_checksum_new (G_CHECKSUM_SHA256);
  c.el = h->b;
  g_object_set_data (G_OBJECT (cp), "consumer", &c);
  gst_pad_set_chain_function (cp, consumer_chain);
  gst_pad_set_event_function (cp, consumer_event);
  gst_pad_set_active (cp, TRUE);
  g_signal_connect (h->b, "substream-opened", G_CALLBACK (on_opened_link),
      cp);
  g_object_set (h->a, "dial-on-request", TRUE, NULL);
  if (ping)
    g_object_set (h->a, "keepalive", 1 /* on */ , "ping-interval",
        (guint64) 300 * GST_MSECOND, "ping-timeout",
        (guint64) 8 * GST_SECOND, NULL);
  harness_start (h);
  c.rss0 = process_rss_kib ();
  sink = gst_element_request_pad_simple (h->a, "sink_bulk-1-0-0_0");
  tp = gst_pad_new ("bulksrc", GST_PAD_SRC);
  gst_pad_set_active (tp, TRUE);
  g_assert_cmpint (gst_pad_link (tp, sink), ==, GST_PAD_LINK_OK);
  gst_pad_push_event (tp, gst_event_new_stream_start ("bulk"));
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  gst_pad_push_event (tp, gst_event_new_segment (&seg));
  while (pushed < TOTAL) {
    gsize n = MIN (payload, TOTAL - pushed) & ~(gsize) 7;
    GstBuffer *b = gst_buffer_new_allocate (NULL, n, NULL);
    GstMapInfo map;

    gst_buffer_map (b, &map, GST_MAP_WRITE);
    fill (map.data, n, &state);
    g_checksum_update (sent, map.data, n);
    gst_buffer_unmap (b, &map);
    g_assert_cmpint (gst_pad_push (tp, b), ==, GST_FLOW_OK);
    pushed += n;
    if (ping && pushed % (1 << 20) < n)
      sample_pings (h->a, ps);
  }
  gst_pad_push_event (tp, gst_event_new_eos ());

  end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  g_mutex_lock (&c.lock);
  while (!c.eos && g_get_monotonic_time () < end) {
    g_mutex_unlock (&c.lock);
    if (ping)
      sample_pings (h->a, ps);
    g_usleep (50000);
    g_mutex_lock (&c.lock);
  }
  g_mutex_unlock (&c.lock);
  g_assert_true (c.eos);
  g_assert_true (c.paused || PAUSE_S == 0);
  g_assert_cmpuint (c.bytes, ==, pushed);
  g_assert_cmpstr (g_checksum_get_string (c.sum), ==,
      g_checksum_get_string (sent));
  /* both sides close cleanly: no reset */
  e = wait_event (h, 'b', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, -1);
  g_object_get (h->b, "stats", &st, NULL);
  gst_structure_get_uint64 (st, "receive-holds", &holds);
  gst_structure_get_uint64 (st, "receive-held-peak-bytes", &peak);
  st_text = gst_structure_to_string (st);
  g_printerr ("# %" G_GUINT64_FORMAT " MiB with a %d s pause: %.1f MB/s; "
      "b held its receive path %" G_GUINT64_FORMAT " times (%s); RSS +%"
      G_GUINT64_FORMAT " MiB at the peak\n", pushed >> 20, PAUSE_S,
      pushed / (c.t_last - c.t_first) / 1e6, holds,
      st_text, (c.rss_peak - c.rss0) / 1024);
  if (PAUSE_S > 0)
    g_assert_cmpuint (holds, >=, 1);
  if (RSS_BOUNDED)
    g_assert_cmpuint (c.rss_peak, <=, c.rss0 + RSS_GROWTH_KIB);
  gst_structure_free (st);
  if (ping)
    sample_pings (h->a, ps);

  gst_pad_set_active (tp, FALSE);
  gst_object_unref (tp);
  gst_object_unref (sink);
  harness_free (h);
  gst_pad_set_active (cp, FALSE);
  gst_object_unref (cp);
  g_checksum_free (c.sum);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
  return pushed / (c.t_last - c.t_first) / 1e6;
}

/* 256 MiB, the consumer pausing 2 s after a quarter: every byte arrives */
static void
test_pause_loses_nothing (void)
{
  transfer_with_pause (FALSE, NULL);
}

/* The same while a second substream of the connection carries pings:
 * they wait while the receive path is held (SCTP's window is the
 * association's) and are all answered, none late enough to lose the
 * connection. */
static void
test_pause_with_pings (void)
{
  PingSeen p = { 0 };

  transfer_with_pause (TRUE, &p);
  g_printerr ("# pings: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT
      " answered, longest round trip seen %.2f s\n", p.pings, p.pongs,
      p.max_rtt / 1e9);
  g_assert_cmpuint (p.pings, >=, 5);
  g_assert_cmpuint (p.pongs + 1, >=, p.pings);
}

/* ---- a consumer that never takes anything again ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean stuck, released;
  guint64 bytes;
  gboolean eos;
  GstPad *pads[2];              /* stuck, then a normal one */
  guint linked;
} Two;

static GstFlowReturn
two_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  Two *t = g_object_get_data (G_OBJECT (pad), "two");
  gboolean stuck = pad == t->pads[0];

  g_mutex_lock (&t->lock);
  if (stuck) {
    t->stuck = TRUE;
    while (!t->released)
      g_cond_wait (&t->cond, &t->lock);
  } else {
    t->bytes += gst_buffer_get_size (buf);
  }
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
  gst_buffer_unref (buf);
  return stuck ? GST_FLOW_FLUSHING : GST_FLOW_OK;
}

static gboolean
two_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  Two *t = g_object_get_data (G_OBJECT (pad), "two");

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS && pad == t->pads[1]) {
    g_mutex_lock (&t->lock);
    t->eos = TRUE;
    g_cond_broadcast (&t->cond);
    g_mutex_unlock (&t->lock);
  }
  gst_event_unref (event);
  return TRUE;
}

/* the first substream b sees is the normal one, the second the stuck */
static void
two_opened (GstElement * el, guint id, const gchar * protocol, GstPad * src,
    Two * t)
{
  g_assert_cmpuint (t->linked, <, 2);
  g_assert_cmpint (gst_pad_link (src, t->pads[1 - t->linked++]), ==,
      GST_PAD_LINK_OK);
}

/* A src pad of the test's linked to @el's requested @name, with its
 * stream-start and segment. */
static GstPad *
push_open (GstElement * el, const gchar * name)
{
  GstPad *sink = gst_element_request_pad_simple (el, name);
  GstPad *tp = gst_pad_new (name, GST_PAD_SRC);
  GstSegment seg;

  gst_pad_set_active (tp, TRUE);
  g_assert_cmpint (gst_pad_link (tp, sink), ==, GST_PAD_LINK_OK);
  gst_object_unref (sink);
  gst_pad_push_event (tp, gst_event_new_stream_start (name));
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  gst_pad_push_event (tp, gst_event_new_segment (&seg));
  return tp;
}

/* @n bytes; the last flow */
static GstFlowReturn
push_n (GstPad * tp, guint64 n)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint64 off;

  for (off = 0; off < n && ret == GST_FLOW_OK; off += 16384)
    ret = gst_pad_push (tp, gst_buffer_new_allocate (NULL, 16384, NULL));
  return ret;
}

/* The consumer of one substream stops for good: the connection holds its
 * receive path for receive-hold-timeout (1 s here), then resets that
 * substream alone (OVERFLOW; the sender's pad returns an error flow) and
 * goes on: a second substream, opened before and held with the rest,
 * then carries all of its 4 MiB. */
static void
test_stuck_consumer_reset_alone (void)
{
  Harness *h = harness_new ("/bulk/1.0.0", "/bulk/1.0.0", FALSE);
  Two t = { 0 };
  GstPad *tp1 = NULL, *tp2 = NULL;
  const GstStructure *closed;
  gint64 end;
  Event *e;
  guint i;

  g_mutex_init (&t.lock);
  g_cond_init (&t.cond);
  for (i = 0; i < 2; i++) {
    t.pads[i] = gst_pad_new (i ? "normal" : "stuck", GST_PAD_SINK);
    g_object_set_data (G_OBJECT (t.pads[i]), "two", &t);
    gst_pad_set_chain_function (t.pads[i], two_chain);
    gst_pad_set_event_function (t.pads[i], two_event);
    gst_pad_set_active (t.pads[i], TRUE);
  }
  g_signal_connect (h->b, "substream-opened", G_CALLBACK (two_opened), &t);
  g_object_set (h->a, "dial-on-request", TRUE, NULL);
  g_object_set (h->b, "receive-hold-timeout", (guint64) GST_SECOND, NULL);
  harness_start (h);

  /* the normal one first (b links the first it sees to its normal
   * consumer), 1 MiB of its 4 */
  tp2 = push_open (h->a, "sink_bulk-1-0-0_0");
  g_assert_cmpint (push_n (tp2, 1 << 20), ==, GST_FLOW_OK);
  /* 2.5 MiB into the stuck one: past b's high-water mark (2 MiB), and
   * less than a's SCTP send buffer holds (1 MiB) beyond it.  More would
   * leave a message half accepted by a's usrsctp when b's reset closes the
   * channel, and webrtcbin 1.22 then locks a's association to that stream
   * (every other send fails with EINVAL: docs/element.md) */
  tp1 = push_open (h->a, "sink_bulk-1-0-0_1");
  g_assert_cmpint (push_n (tp1, 5 << 19), ==, GST_FLOW_OK);
  e = wait_event (h, 'b', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, 7 /* OVERFLOW */ );
  g_printerr ("# b: %s\n", e->message);
  g_assert_nonnull (strstr (e->message, "took nothing for 0:00:01"));
  closed = wait_bus (h, 'b', "libp2p-substream-closed");
  g_assert_nonnull (closed);
  g_assert_true (gst_structure_has_field_typed (closed, "error",
          G_TYPE_ERROR));

  /* a hears the reset */
  e = wait_event (h, 'a', 'c', 0);
  g_assert_nonnull (e);
  g_assert_cmpint (e->code, ==, 6 /* RESET */ );
  /* the other substream waited through the hold and goes on */
  g_assert_cmpint (push_n (tp2, 3 << 20), ==, GST_FLOW_OK);
  gst_pad_push_event (tp2, gst_event_new_eos ());
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_mutex_lock (&t.lock);
  while (!t.eos && g_get_monotonic_time () < end)
    g_cond_wait_until (&t.cond, &t.lock, end);
  g_assert_true (t.eos);
  g_assert_cmpuint (t.bytes, ==, 4 << 20);
  t.released = TRUE;
  g_cond_broadcast (&t.cond);
  g_mutex_unlock (&t.lock);

  for (i = 0; i < 2; i++) {
    GstPad *tp = i ? tp2 : tp1;

    gst_pad_set_active (tp, FALSE);
    gst_object_unref (tp);
  }
  harness_free (h);
  for (i = 0; i < 2; i++) {
    gst_pad_set_active (t.pads[i], FALSE);
    gst_object_unref (t.pads[i]);
  }
  g_mutex_clear (&t.lock);
  g_cond_clear (&t.cond);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/flow/pause-loses-nothing", test_pause_loses_nothing);
  g_test_add_func ("/flow/pause-with-pings", test_pause_with_pings);
  g_test_add_func ("/flow/stuck-consumer-reset-alone",
      test_stuck_consumer_reset_alone);
  return harness_exit (g_test_run ());
}
