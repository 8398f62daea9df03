/* gst-libp2p: the WebRTC-direct security handshake on channel 0
 *
 * libp2p/specs webrtc/webrtc-direct.md "Connection Security": once the data
 * channel 0 (negotiated, id 0) is open, the server (WebRTC answerer, Noise
 * initiator) and the client (dialer, Noise responder) run Noise XX with the
 * prologue
 *
 *   "libp2p-webrtc-noise:" || multihash(client fp) || multihash(server fp)
 *
 * (each multihash `12 20 <SHA-256 of the DER certificate>`, 88 bytes in
 * all), so a DTLS man in the middle fails the handshake.  The payloads are
 * libp2p's NoiseHandshakePayload (libp2p/specs noise/README.md): the
 * identity key and its signature over "noise-libp2p-static-key:" || the
 * Noise static key; the remote peer id derives from that identity key and,
 * when the multiaddr has /p2p/, must equal it.
 *
 * On the wire every SCTP message on channel 0 is a libp2p WebRTC frame;
 * the frames' message fields form a byte stream that carries Noise messages
 * each preceded by a 2-byte big-endian length.  We send one Noise message
 * per frame, per SCTP message; we read frames split across messages, Noise
 * messages split across frames, and ignore flag-only frames after the
 * handshake.  Sans-IO: bytes in, frames out.
 */
#ifndef __LP2P_DIRECT_H__
#define __LP2P_DIRECT_H__

#include <glib.h>
#include "identity.h"
#include "peerid.h"

G_BEGIN_DECLS

#define LP2P_DIRECT_PROLOGUE_PREFIX "libp2p-webrtc-noise:"
#define LP2P_DIRECT_PROLOGUE_LEN (20 + 34 + 34)
#define LP2P_NOISE_STATIC_KEY_PREFIX "noise-libp2p-static-key:"
/* Largest handshake payload we read (an RSA-4096 identity and extensions
 * fit many times). */
#define LP2P_NOISE_MAX_PAYLOAD 8192

#define LP2P_DIRECT_ERROR (lp2p_direct_error_quark ())
GQuark lp2p_direct_error_quark (void);

typedef enum
{
  LP2P_DIRECT_ERROR_FRAME,      /* channel 0 carried something not a frame */
  LP2P_DIRECT_ERROR_NOISE,      /* the Noise handshake failed */
  LP2P_DIRECT_ERROR_PAYLOAD,    /* the remote's handshake payload is bad */
  LP2P_DIRECT_ERROR_PEER_ID,    /* authenticated, but not the peer asked for */
  LP2P_DIRECT_ERROR_CLOSED,     /* FIN/RESET before the handshake ended */
} Lp2pDirectError;

void lp2p_direct_prologue (const guint8 client_fp[32],
    const guint8 server_fp[32], guint8 out[LP2P_DIRECT_PROLOGUE_LEN]);

/* NoiseHandshakePayload { identity_key = 1; identity_sig = 2; } for our
 * @static_pub. */
gboolean lp2p_noise_payload_encode (const Lp2pIdentity * id,
    const guint8 static_pub[32], GByteArray * out);
/* Parses a remote payload (unknown fields skipped, extensions accepted),
 * checks its signature over @remote_static and sets @peer_id. */
gboolean lp2p_noise_payload_verify (const guint8 * payload, gsize len,
    const guint8 remote_static[32], Lp2pPeerId * peer_id, GError ** error);

typedef enum
{
  LP2P_DIRECT_NEED_MORE,
  LP2P_DIRECT_DONE,             /* authenticated: streams may open */
  LP2P_DIRECT_FAILED,
} Lp2pDirectStatus;

typedef struct _Lp2pDirectNoise Lp2pDirectNoise;

/* @expected (nullable): the peer id the remote must have.  @static_priv and
 * @ephemeral_priv (nullable) fix the X25519 keys, for test vectors. */
Lp2pDirectNoise *lp2p_direct_noise_new (gboolean initiator,
    const Lp2pIdentity * identity, const guint8 client_fp[32],
    const guint8 server_fp[32], const Lp2pPeerId * expected,
    const guint8 * static_priv, const guint8 * ephemeral_priv,
    GError ** error);
void lp2p_direct_noise_free (Lp2pDirectNoise * st);

/* The initiator's first message (appended to @out as a GBytes frame);
 * nothing for a responder. */
Lp2pDirectStatus lp2p_direct_noise_start (Lp2pDirectNoise * st,
    GPtrArray * out, GError ** error);
/* One SCTP message that arrived on channel 0.  Frames to send are appended
 * to @out (GBytes).  After DONE or FAILED, further input is ignored and the
 * status repeated. */
Lp2pDirectStatus lp2p_direct_noise_feed (Lp2pDirectNoise * st,
    const guint8 * data, gsize len, GPtrArray * out, GError ** error);
/* Once DONE. */
const Lp2pPeerId *lp2p_direct_noise_get_remote_peer_id (const Lp2pDirectNoise
    * st);

/* SHA-256 of the DER form of the first certificate in @pem (what
 * GstWebRTCDTLSTransport's remote-certificate holds). */
gboolean lp2p_certificate_pem_fingerprint (const gchar * pem,
    guint8 out[32]);

G_END_DECLS

#endif
