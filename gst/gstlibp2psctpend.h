/* gst-libp2p: the end of one webrtcbin's SCTP association (see the .c) */
#ifndef __GST_LIBP2P_SCTP_END_H__
#define __GST_LIBP2P_SCTP_END_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstLibp2pSctpEnd GstLibp2pSctpEnd;

/* @remote_ended: the remote sent an ABORT or a SHUTDOWN (called once, from
 * the thread that pushes the remote's packets into sctpdec) */
GstLibp2pSctpEnd *gst_libp2p_sctp_end_new (void (*remote_ended) (gpointer
        data), gpointer data, gpointer (*ref) (gpointer),
    GDestroyNotify unref);
/* Watches @element when it is an sctpenc (our packets) or an sctpdec (the
 * remote's); FALSE for anything else. */
gboolean gst_libp2p_sctp_end_attach (GstLibp2pSctpEnd * end,
    GstElement * element);
/* Sends an ABORT of the association to the remote, before the webrtcbin
 * leaves PAUSED (webrtcbin 1.22's sctpenc sends none), and waits until it
 * went out (bounded); nothing when no packet of ours was seen, or the
 * association ended already.  TRUE when sent. */
gboolean gst_libp2p_sctp_end_abort (GstLibp2pSctpEnd * end);
void gst_libp2p_sctp_end_stop (GstLibp2pSctpEnd * end);
void gst_libp2p_sctp_end_unref (GstLibp2pSctpEnd * end);

G_END_DECLS

#endif
