/* gst-libp2p: the receive gate of one webrtcbin (see the .c) */
#ifndef __GST_LIBP2P_GATE_H__
#define __GST_LIBP2P_GATE_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstLibp2pGate GstLibp2pGate;

GstLibp2pGate *gst_libp2p_gate_new (void);
/* Watches @sctpdec's sink pad (its decrypted SCTP packets); FALSE when
 * @sctpdec is not an sctpdec or one is watched already. */
gboolean gst_libp2p_gate_attach (GstLibp2pGate * gate, GstElement * sctpdec);
/* @hold: packets carrying DATA chunks wait from now on; FALSE: they go
 * on, and what waited is handed to sctpdec from the calling thread
 * (which must hold no lock sctpdec's handlers may take).  @seq orders
 * calls made from several threads: a call with a @seq lower than the
 * last applied is ignored. */
void gst_libp2p_gate_set (GstLibp2pGate * gate, gboolean hold, guint seq);
/* Stops watching; what waits is dropped (the webrtcbin is stopping). */
void gst_libp2p_gate_stop (GstLibp2pGate * gate);
/* webrtcbin's thread: a channel delivered a message of @bytes */
void gst_libp2p_gate_delivered (GstLibp2pGate * gate, gsize bytes);
/* receive-held-packets, -dropped-packets, -held-peak-bytes,
 * -backlog-holds, -backlog-peak-bytes, set in @s */
void gst_libp2p_gate_get_stats (GstLibp2pGate * gate, GstStructure * s);
void gst_libp2p_gate_unref (GstLibp2pGate * gate);

G_END_DECLS

#endif
