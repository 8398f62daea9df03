/* Test helpers shared by the element tests and the benchmark: floating
 * pads (no elements, no threads of their own) that count what a src pad
 * delivers, echo a substream back into its sink pad, and push into a
 * requested sink pad. */
#ifndef __TEST_PAD_ECHO_H__
#define __TEST_PAD_ECHO_H__

#include "harness.h"

static gdouble
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* ---- a counting sink: a floating pad whose chain counts bytes ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  guint64 bytes;
  gdouble first, last;
  gboolean eos;
} Counter;

static GstFlowReturn
count_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  Counter *c = g_object_get_data (G_OBJECT (pad), "counter");

  g_mutex_lock (&c->lock);
  if (c->bytes == 0)
    c->first = now_s ();
  c->bytes += gst_buffer_get_size (buf);
  c->last = now_s ();
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static gboolean
count_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  Counter *c = g_object_get_data (G_OBJECT (pad), "counter");

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    g_mutex_lock (&c->lock);
    c->eos = TRUE;
    g_cond_broadcast (&c->cond);
    g_mutex_unlock (&c->lock);
  }
  gst_event_unref (event);
  return TRUE;
}

static GstPad *
counting_pad (Counter * c)
{
  GstPad *p = gst_pad_new ("count", GST_PAD_SINK);

  g_object_set_data (G_OBJECT (p), "counter", c);
  gst_pad_set_chain_function (p, count_chain);
  gst_pad_set_event_function (p, count_event);
  gst_pad_set_active (p, TRUE);
  return p;
}

static gboolean
counter_wait (Counter * c, guint64 bytes, gint secs)
{
  gint64 end = g_get_monotonic_time () + secs * G_TIME_SPAN_SECOND;
  gboolean ok;

  g_mutex_lock (&c->lock);
  while (c->bytes < bytes)
    if (!g_cond_wait_until (&c->cond, &c->lock, end))
      break;
  ok = c->bytes >= bytes;
  g_mutex_unlock (&c->lock);
  return ok;
}

/* ---- echo on b: floating pads, src -> in (chain) -> out -> sink ---- */

static GstFlowReturn
echo_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  return gst_pad_push (g_object_get_data (G_OBJECT (pad), "out"), buf);
}

static gboolean
echo_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstPad *out = g_object_get_data (G_OBJECT (pad), "out");

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS ||
      GST_EVENT_TYPE (event) == GST_EVENT_STREAM_START ||
      GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
    return gst_pad_push_event (out, event);
  gst_event_unref (event);
  return TRUE;
}

static void
echo_opened (GstElement * el, guint id, const gchar * protocol, GstPad * src,
    GPtrArray * keep)
{
  g_autofree gchar *name = g_strdup_printf ("sink%s", GST_PAD_NAME (src) + 3);
  GstPad *back = gst_element_request_pad_simple (el, name);
  GstPad *in = gst_pad_new (NULL, GST_PAD_SINK);
  GstPad *out = gst_pad_new (NULL, GST_PAD_SRC);

  g_object_set_data (G_OBJECT (in), "out", out);
  gst_pad_set_chain_function (in, echo_chain);
  gst_pad_set_event_function (in, echo_event);
  gst_pad_set_active (in, TRUE);
  gst_pad_set_active (out, TRUE);
  gst_pad_link (out, back);
  gst_pad_link (src, in);
  gst_object_unref (back);
  g_mutex_lock (&((Harness *) g_object_get_data (G_OBJECT (el),
              "h"))->lock);
  g_ptr_array_add (keep, in);
  g_ptr_array_add (keep, out);
  g_mutex_unlock (&((Harness *) g_object_get_data (G_OBJECT (el),
              "h"))->lock);
}

static void
pad_free (gpointer p)
{
  gst_pad_set_active (p, FALSE);
  gst_object_unref (p);
}

static void
a_opened_to_counter (GstElement * el, guint id, const gchar * protocol,
    GstPad * src, GPtrArray * keep)
{
  Counter *c = g_object_get_data (G_OBJECT (el), "counter");
  GstPad *cp = counting_pad (c);

  gst_pad_link (src, cp);
  g_mutex_lock (&c->lock);
  g_ptr_array_add (keep, cp);
  g_mutex_unlock (&c->lock);
}

/* the same from pad-added, as gst-launch links (src pads only) */
static void
echo_added (GstElement * el, GstPad * pad, GPtrArray * keep)
{
  if (GST_PAD_IS_SRC (pad))
    echo_opened (el, 0, NULL, pad, keep);
}

static void
a_added_to_counter (GstElement * el, GstPad * pad, GPtrArray * keep)
{
  if (GST_PAD_IS_SRC (pad))
    a_opened_to_counter (el, 0, NULL, pad, keep);
}

/* b echoes what a's substreams send, a counts what comes back; each side
 * links its src pads in substream-opened, or with @in_pad_added in
 * pad-added (then a linked pad carries data while substream-opened is
 * still being reported: docs/element.md) */
static Harness *
echo_pair_linked (GPtrArray * keep_b, GPtrArray * keep_a, Counter * c,
    gboolean in_pad_added)
{
  Harness *h = harness_new ("/echo/1.0.0", "/echo/1.0.0", FALSE);

  g_object_set_data (G_OBJECT (h->b), "h", h);
  g_object_set_data (G_OBJECT (h->a), "counter", c);
  if (in_pad_added) {
    g_signal_connect (h->b, "pad-added", G_CALLBACK (echo_added), keep_b);
    g_signal_connect (h->a, "pad-added", G_CALLBACK (a_added_to_counter),
        keep_a);
  } else {
    g_signal_connect (h->b, "substream-opened", G_CALLBACK (echo_opened),
        keep_b);
    g_signal_connect (h->a, "substream-opened",
        G_CALLBACK (a_opened_to_counter), keep_a);
  }
  g_object_set (h->a, "dial-on-request", TRUE, NULL);
  return h;
}

#define echo_pair(kb, ka, c) echo_pair_linked (kb, ka, c, FALSE)

static GstPad *
pusher_for (GstElement * el, const gchar * name)
{
  GstPad *sink = gst_element_request_pad_simple (el, name);
  GstPad *tp = gst_pad_new (NULL, GST_PAD_SRC);
  GstSegment seg;

  gst_pad_set_active (tp, TRUE);
  gst_pad_link (tp, sink);
  gst_object_unref (sink);
  gst_pad_push_event (tp, gst_event_new_stream_start ("b"));
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  gst_pad_push_event (tp, gst_event_new_segment (&seg));
  return tp;
}

#endif
