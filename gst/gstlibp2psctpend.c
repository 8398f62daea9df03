/* gst-libp2p: the end of one webrtcbin's SCTP association
 *
 * webrtcbin 1.22 never tells the remote that it goes: when it leaves
 * PAUSED, sctpenc first drops its packet-out callback, then closes the
 * usrsctp socket with SO_LINGER 0 (ext/sctp/gstsctpenc.c,
 * sctpenc_cleanup), so the ABORT usrsctp makes goes nowhere.  The remote
 * learns of the end only from its own keepalive (15 s with ours; measured
 * in docs/element.md) or never.  Nor does it report an ABORT or SHUTDOWN
 * from the remote to the application: sctpenc's next write fails ("Could
 * not write to resource"), if there is one.
 *
 * So this watches both directions (gst/libp2p/sctp.h reads the chunks):
 *   - our packets on sctpenc's src pad, for the association's ports and
 *     verification tag; at our stop, before the webrtcbin leaves PAUSED,
 *     gst_libp2p_sctp_end_abort() hands an ABORT made of them
 *     (lp2p_sctp_make_abort) to the DTLS encoder after sctpenc, and waits
 *     (bounded) until the encoder pushed it out to the ICE transport;
 *   - the remote's packets on sctpdec's sink pad: an ABORT or SHUTDOWN is
 *     reported once (remote_ended, from that thread, before usrsctp sees
 *     the packet).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2psctpend.h"
#include "gstlibp2putil.h"

#include "sctp.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (libp2p_sctp_end_debug);
#define GST_CAT_DEFAULT libp2p_sctp_end_debug

/* what an ABORT may take to leave the DTLS encoder's queue: its src task
 * pushes the records queued before ours first, so the stop waits until
 * records went out and none followed for QUIET_MS (the queue is empty),
 * ABORT_WAIT_MS at most */
#define ABORT_WAIT_MS 200
#define QUIET_MS 5

struct _GstLibp2pSctpEnd
{
  gint ref;
  GMutex lock;
  GCond cond;
  void (*remote_ended) (gpointer data);
  gpointer data;
  GDestroyNotify unref_data;
  GstPad *enc_src, *dec_sink;   /* watched */
  gulong enc_probe, dec_probe;
  guint8 header[LP2P_SCTP_COMMON_HEADER];       /* of our packets */
  gint have_header;             /* atomic; header constant once set */
  gboolean ended;               /* an ABORT or SHUTDOWN either way */
  gboolean stopped;
  guint outs;                   /* records out of the DTLS encoder */
  gint64 last_out_us;
};

static GstLibp2pSctpEnd *
end_ref (GstLibp2pSctpEnd * end)
{
  g_atomic_int_inc (&end->ref);
  return end;
}

GstLibp2pSctpEnd *
gst_libp2p_sctp_end_new (void (*remote_ended) (gpointer data), gpointer data,
    gpointer (*ref) (gpointer), GDestroyNotify unref)
{
  GstLibp2pSctpEnd *end = g_new0 (GstLibp2pSctpEnd, 1);

  if (libp2p_sctp_end_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (libp2p_sctp_end_debug, "libp2psctpend", 0,
        "libp2p: the end of an SCTP association");
  end->ref = 1;
  g_mutex_init (&end->lock);
  g_cond_init (&end->cond);
  end->remote_ended = remote_ended;
  end->data = ref (data);
  end->unref_data = unref;
  return end;
}

void
gst_libp2p_sctp_end_unref (GstLibp2pSctpEnd * end)
{
  if (!g_atomic_int_dec_and_test (&end->ref))
    return;
  end->unref_data (end->data);
  gst_clear_object (&end->enc_src);
  gst_clear_object (&end->dec_sink);
  g_mutex_clear (&end->lock);
  g_cond_clear (&end->cond);
  g_free (end);
}

/* sctpenc's src task: one packet of ours */
static GstPadProbeReturn
enc_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstLibp2pSctpEnd *end = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint8 h[LP2P_SCTP_COMMON_HEADER];

  /* ports and tag are the association's: the first packet that has them
   * is enough (this runs for every packet we send) */
  if (g_atomic_int_get (&end->have_header) || buf == NULL ||
      gst_buffer_extract (buf, 0, h, sizeof (h)) != sizeof (h))
    return GST_PAD_PROBE_OK;
  /* tag 0: our INIT, not yet the association's */
  if (h[4] == 0 && h[5] == 0 && h[6] == 0 && h[7] == 0)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&end->lock);
  memcpy (end->header, h, sizeof (h));
  g_atomic_int_set (&end->have_header, TRUE);
  g_mutex_unlock (&end->lock);
  return GST_PAD_PROBE_OK;
}

/* the thread that pushes into sctpdec: one packet of the remote's */
static GstPadProbeReturn
dec_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstLibp2pSctpEnd *end = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gboolean report;
  GstMapInfo map;
  guint32 types;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  types = lp2p_sctp_chunk_types (map.data, map.size);
  gst_buffer_unmap (buf, &map);
  if (!(types & LP2P_SCTP_ENDING_CHUNKS))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&end->lock);
  report = !end->ended && !end->stopped;
  end->ended = TRUE;
  g_mutex_unlock (&end->lock);
  /* Reported from here, before usrsctp sees the packet: once it has, our
   * next send fails in sctpenc ("Could not write to resource"), which
   * would otherwise race this report.  (An end while we go down is the
   * stop's: conn_end() checks.) */
  if (report) {
    GST_INFO_OBJECT (pad, "the remote ends the SCTP association (%s)",
        types & (1u << LP2P_SCTP_CHUNK_ABORT) ? "ABORT" : "SHUTDOWN");
    end->remote_ended (end->data);
  }
  return GST_PAD_PROBE_OK;
}

static gboolean
watch (GstLibp2pSctpEnd * end, GstElement * element, const gchar * pad_name,
    GstPad ** where, gulong * id, GstPadProbeCallback cb)
{
  GstPad *pad = gst_element_get_static_pad (element, pad_name);
  gboolean ok;

  if (pad == NULL)
    return FALSE;
  g_mutex_lock (&end->lock);
  ok = *where == NULL && !end->stopped;
  if (ok) {
    *where = gst_object_ref (pad);
    *id = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, cb,
        end_ref (end), (GDestroyNotify) gst_libp2p_sctp_end_unref);
  }
  g_mutex_unlock (&end->lock);
  gst_object_unref (pad);
  return ok;
}

gboolean
gst_libp2p_sctp_end_attach (GstLibp2pSctpEnd * end, GstElement * element)
{
  if (gst_libp2p_is_factory (element, "sctpenc"))
    return watch (end, element, "src", &end->enc_src, &end->enc_probe,
        enc_probe);
  if (gst_libp2p_is_factory (element, "sctpdec"))
    return watch (end, element, "sink", &end->dec_sink, &end->dec_probe,
        dec_probe);
  return FALSE;
}

/* the DTLS encoder's src task: a record out to the ICE transport */
static GstPadProbeReturn
out_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstLibp2pSctpEnd *end = data;

  g_mutex_lock (&end->lock);
  end->outs++;
  end->last_out_us = g_get_monotonic_time ();
  g_cond_broadcast (&end->cond);
  g_mutex_unlock (&end->lock);
  return GST_PAD_PROBE_OK;
}

/* The pad after sctpenc (@in: transportsendbin's data_sink) and the src
 * pad of the element behind its ghost pads (dtlsenc: webrtcbin 1.22's
 * transportsendbin -> dtlssrtpenc -> dtlsenc, whose src task pushes to
 * the ICE transport), or FALSE. */
static gboolean
encoder_pads (GstPad * enc_src, GstPad ** in, GstPad ** out)
{
  GstPad *p;
  GstObject *encoder;

  *in = gst_pad_get_peer (enc_src);
  *out = NULL;
  if (*in == NULL)
    return FALSE;
  p = gst_object_ref (*in);
  while (p && GST_IS_GHOST_PAD (p)) {
    GstPad *t = gst_ghost_pad_get_target (GST_GHOST_PAD (p));

    gst_object_unref (p);
    p = t;
  }
  encoder = p ? gst_pad_get_parent (p) : NULL;
  if (encoder && GST_IS_ELEMENT (encoder))
    *out = gst_element_get_static_pad (GST_ELEMENT (encoder), "src");
  gst_clear_object (&encoder);
  gst_clear_object (&p);
  if (*out == NULL)
    gst_clear_object (in);
  return *out != NULL;
}

gboolean
gst_libp2p_sctp_end_abort (GstLibp2pSctpEnd * end)
{
  guint8 pkt[LP2P_SCTP_ABORT_SIZE];
  GstPad *in = NULL, *out = NULL;
  GstFlowReturn ret;
  gboolean ok;
  gint64 until;
  gulong probe;

  g_mutex_lock (&end->lock);
  ok = end->have_header && !end->ended && !end->stopped && end->enc_src &&
      lp2p_sctp_make_abort (end->header, sizeof (end->header), pkt);
  if (ok)
    ok = encoder_pads (end->enc_src, &in, &out);
  end->ended = end->ended || ok;
  end->outs = 0;
  GST_DEBUG ("abort: header %d, ended %d, stopped %d, encoder %d",
      end->have_header, end->ended, end->stopped, ok);
  g_mutex_unlock (&end->lock);
  if (!ok)
    return FALSE;
  probe = gst_pad_add_probe (out, GST_PAD_PROBE_TYPE_BUFFER, out_probe,
      end_ref (end), (GDestroyNotify) gst_libp2p_sctp_end_unref);
  /* the encoder's stream lock orders it with sctpenc's own packets */
  ret = gst_pad_chain (in, gst_buffer_new_memdup (pkt, sizeof (pkt)));
  until = g_get_monotonic_time () + ABORT_WAIT_MS * 1000;
  g_mutex_lock (&end->lock);
  while (ret == GST_FLOW_OK) {
    gint64 now = g_get_monotonic_time (), wake;

    if ((end->outs > 0 && now - end->last_out_us >= QUIET_MS * 1000) ||
        now >= until)
      break;
    wake = end->outs > 0 ? end->last_out_us + QUIET_MS * 1000 : until;
    g_cond_wait_until (&end->cond, &end->lock, MIN (wake, until));
  }
  ok = end->outs > 0;
  g_mutex_unlock (&end->lock);
  gst_pad_remove_probe (out, probe);
  GST_INFO_OBJECT (in, "our ABORT: %s (%s)", ok ? "sent" : "not seen leaving",
      gst_flow_get_name (ret));
  gst_object_unref (in);
  gst_object_unref (out);
  return ok;
}

void
gst_libp2p_sctp_end_stop (GstLibp2pSctpEnd * end)
{
  GstPad *enc, *dec;
  gulong enc_id, dec_id;

  g_mutex_lock (&end->lock);
  end->stopped = TRUE;
  enc = end->enc_src;
  dec = end->dec_sink;
  end->enc_src = end->dec_sink = NULL;
  enc_id = end->enc_probe;
  dec_id = end->dec_probe;
  g_mutex_unlock (&end->lock);
  if (enc) {
    gst_pad_remove_probe (enc, enc_id);
    gst_object_unref (enc);
  }
  if (dec) {
    gst_pad_remove_probe (dec, dec_id);
    gst_object_unref (dec);
  }
}
