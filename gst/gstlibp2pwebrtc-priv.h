/* gst-libp2p: GstLibp2pRtc's insides, shared by the two files of the room
 * that talks to webrtcbin:
 *
 *   gstlibp2pwebrtc.c         the connection's webrtcbin, its data channels,
 *                             the reaping of closed ones
 *   gstlibp2pwebrtc-direct.c  WebRTC-direct: libnice settings, the dialer's
 *                             descriptions, the listener's accept, the
 *                             webrtcbin made around our own ICE agent
 */
#ifndef __GST_LIBP2P_WEBRTC_PRIV_H__
#define __GST_LIBP2P_WEBRTC_PRIV_H__

#include "gstlibp2pwebrtc.h"
#include "gstlibp2preuse.h"
#include "gstlibp2pgate.h"
#include "gstlibp2psctpend.h"
#include "gstlibp2presetorder.h"
#include "gstlibp2passocid.h"
#include "gstlibp2pencguard.h"

G_BEGIN_DECLS

struct _GstLibp2pRtc
{
  gint ref;
  gboolean closed;
  GstElement *webrtcbin;
  gulong sig_data_channel, sig_state, sig_element, sig_assoc, sig_prepare;
  GstLibp2pReuseGuard *reuse;   /* webrtcbin's sctpdec, once it has one */
  GstLibp2pGate *gate;          /* the same sctpdec's input */
  GstLibp2pSctpEnd *end;        /* the association's end, either way */
  GstLibp2pResetOrder *order;   /* our resets apart from usrsctp's RE-CONFIG */
  GstLibp2pAssocId *assoc;      /* its SCTP association id */
  GstElement *sctpenc;          /* once webrtcbin has one: */
  gboolean assoc_up;            /* its SCTP association is established */
  GMutex lock;
  gboolean stopping;            /* the webrtcbin is leaving PAUSED */
  gboolean free_closed;         /* reap closed channels (see "reaping") */
  GPtrArray *closing;           /* Closing* */
  GPtrArray *released;          /* GstWebRTCDataChannel */
  GPtrArray *waiting;           /* GstWebRTCDataChannel: sink_bin still fed */
};

G_END_DECLS

#endif
