/* gst-libp2p: multistream-select 1.0; see mss.h */
#include "mss.h"
#include "varint.h"

#include <string.h>

G_DEFINE_QUARK (lp2p-mss-error-quark, lp2p_mss_error);

typedef enum
{
  STATE_AWAIT_HEADER,
  STATE_AWAIT_ANSWER,           /* dialer */
  STATE_AWAIT_PROPOSAL,         /* listener */
  STATE_DONE,
} State;

struct _Lp2pMss
{
  gboolean dialer;
  State state;
  Lp2pMssStatus status;
  GByteArray *in;               /* unread input */
  GPtrArray *protocols;         /* dialer: proposals; listener: supported */
  guint proposed;               /* dialer: index of the last proposal */
  guint answered;               /* listener: proposals answered */
  gboolean lazy;
  Lp2pMssAcceptFunc accept;
  gpointer accept_data;
  gchar *protocol;              /* agreed protocol */
  gchar *error;
  GBytes *leftover;
};

Lp2pMssReadResult
lp2p_mss_message_read (const guint8 * data, gsize len, gsize max_len,
    const guint8 ** body, gsize * body_len, gsize * consumed,
    const gchar ** reason)
{
  guint64 n;
  gsize used;

  switch (lp2p_varint_decode (data, len, LP2P_MSS_LENGTH_MAX_BYTES, &n,
          &used)) {
    case LP2P_VARINT_NEED_MORE:
      return LP2P_MSS_READ_NEED_MORE;
    case LP2P_VARINT_INVALID:
      *reason = "invalid message length varint (non-minimal or over 2 bytes)";
      return LP2P_MSS_READ_INVALID;
    case LP2P_VARINT_OK:
      break;
  }
  if (n == 0) {
    *reason = "empty message";
    return LP2P_MSS_READ_INVALID;
  }
  if (n > max_len) {
    *reason = "message longer than the limit";
    return LP2P_MSS_READ_INVALID;
  }
  if (len - used < n)
    return LP2P_MSS_READ_NEED_MORE;
  if (data[used + n - 1] != '\n') {
    *reason = "message does not end with a newline";
    return LP2P_MSS_READ_INVALID;
  }
  *body = data + used;
  *body_len = (gsize) n - 1;
  *consumed = used + (gsize) n;
  return LP2P_MSS_READ_OK;
}

void
lp2p_mss_message_append (GByteArray * out, const gchar * s, gssize len)
{
  guint8 v[LP2P_VARINT_MAX_BYTES];
  gsize l = len < 0 ? strlen (s) : (gsize) len;

  g_byte_array_append (out, v, lp2p_varint_encode (l + 1, v));
  g_byte_array_append (out, (const guint8 *) s, l);
  g_byte_array_append (out, (const guint8 *) "\n", 1);
}

gboolean
lp2p_mss_protocol_validate (const gchar * protocol, gssize len,
    GError ** error)
{
  gsize l, i;

  if (protocol == NULL) {
    g_set_error_literal (error, LP2P_MSS_ERROR,
        LP2P_MSS_ERROR_INVALID_PROTOCOL, "protocol id is missing");
    return FALSE;
  }
  l = len < 0 ? strlen (protocol) : (gsize) len;
  if (l == 0 || protocol[0] != '/') {
    g_set_error (error, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_PROTOCOL,
        "protocol id '%.*s' does not start with '/'", (int) MIN (l, 64),
        protocol);
    return FALSE;
  }
  if (l > LP2P_MSS_MAX_PROTOCOL_LEN) {
    g_set_error (error, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_PROTOCOL,
        "protocol id of %" G_GSIZE_FORMAT " bytes is longer than %d", l,
        LP2P_MSS_MAX_PROTOCOL_LEN);
    return FALSE;
  }
  if (!g_utf8_validate_len (protocol, l, NULL)) {
    g_set_error_literal (error, LP2P_MSS_ERROR,
        LP2P_MSS_ERROR_INVALID_PROTOCOL, "protocol id is not valid UTF-8");
    return FALSE;
  }
  if (memchr (protocol, '\n', l) != NULL || memchr (protocol, '\0', l)) {
    g_set_error_literal (error, LP2P_MSS_ERROR,
        LP2P_MSS_ERROR_INVALID_PROTOCOL,
        "protocol id contains a newline or NUL");
    return FALSE;
  }
  /* Control characters ("/echo/1.0.0\r") are never part of an id: a
   * listener answers na before any application sees them. */
  for (i = 0; i < l; i++) {
    guchar c = (guchar) protocol[i];

    if (c < 0x20 || c == 0x7f) {
      g_set_error (error, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_PROTOCOL,
          "protocol id contains the control character 0x%02x", c);
      return FALSE;
    }
  }
  return TRUE;
}

void
lp2p_mss_ls_response_append (GByteArray * out, const gchar * const *protocols)
{
  g_autoptr (GByteArray) list = g_byte_array_new ();
  guint i, n = 0;

  for (i = 0; protocols && protocols[i] && n < LP2P_MSS_MAX_LS_PROTOCOLS; i++) {
    gsize l = strlen (protocols[i]);

    /* entry + its varint + final newline + outer varint (2 bytes) */
    if (list->len + l + 1 + 2 + 1 + 2 > LP2P_MSS_MAX_SEND_LEN)
      break;
    lp2p_mss_message_append (list, protocols[i], l);
    n++;
  }
  g_byte_array_append (list, (const guint8 *) "\n", 1);
  /* The outer message's body is the list, whose last '\n' ends it. */
  lp2p_mss_message_append (out, (const gchar *) list->data, list->len - 1);
}

gchar **
lp2p_mss_ls_response_parse (const guint8 * body, gsize len, GError ** error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  gsize off = 0;

  while (off < len) {
    const guint8 *b;
    gsize bl, used;
    const gchar *reason = NULL;

    if (off + 1 == len && body[off] == '\n') {
      g_ptr_array_add (list, NULL);
      return (gchar **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
    }
    if (list->len >= LP2P_MSS_MAX_LS_PROTOCOLS) {
      g_set_error (error, LP2P_MSS_ERROR, LP2P_MSS_ERROR_MALFORMED,
          "ls answer lists more than %d protocols", LP2P_MSS_MAX_LS_PROTOCOLS);
      return NULL;
    }
    if (lp2p_mss_message_read (body + off, len - off, LP2P_MSS_MAX_MESSAGE_LEN,
            &b, &bl, &used, &reason) != LP2P_MSS_READ_OK) {
      g_set_error (error, LP2P_MSS_ERROR, LP2P_MSS_ERROR_MALFORMED,
          "ls answer entry: %s", reason ? reason : "truncated");
      return NULL;
    }
    if (!lp2p_mss_protocol_validate ((const gchar *) b, bl, error))
      return NULL;
    g_ptr_array_add (list, g_strndup ((const gchar *) b, bl));
    off += used;
  }
  g_set_error_literal (error, LP2P_MSS_ERROR, LP2P_MSS_ERROR_MALFORMED,
      "ls answer does not end with a newline");
  return NULL;
}

static Lp2pMss *
mss_new (gboolean dialer)
{
  Lp2pMss *mss = g_new0 (Lp2pMss, 1);

  mss->dialer = dialer;
  mss->state = STATE_AWAIT_HEADER;
  mss->status = LP2P_MSS_NEED_MORE;
  mss->in = g_byte_array_new ();
  mss->protocols = g_ptr_array_new_with_free_func (g_free);
  return mss;
}

Lp2pMss *
lp2p_mss_dialer_new (const gchar * const *protocols, gboolean lazy,
    GError ** error)
{
  g_autoptr (Lp2pMss) mss = mss_new (TRUE);
  guint i, n = protocols ? g_strv_length ((gchar **) protocols) : 0;

  if (n == 0 || n > LP2P_MSS_MAX_PROPOSALS) {
    g_set_error (error, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_ARGUMENT,
        "a dialer needs 1 to %d protocols, got %u", LP2P_MSS_MAX_PROPOSALS, n);
    return NULL;
  }
  if (lazy && n != 1) {
    g_set_error_literal (error, LP2P_MSS_ERROR,
        LP2P_MSS_ERROR_INVALID_ARGUMENT,
        "lazy dialing needs exactly one protocol (no fallbacks)");
    return NULL;
  }
  for (i = 0; i < n; i++) {
    if (!lp2p_mss_protocol_validate (protocols[i], -1, error))
      return NULL;
    g_ptr_array_add (mss->protocols, g_strdup (protocols[i]));
  }
  mss->lazy = lazy;
  return g_steal_pointer (&mss);
}

Lp2pMss *
lp2p_mss_listener_new (const gchar * const *protocols,
    Lp2pMssAcceptFunc accept, gpointer user_data)
{
  Lp2pMss *mss = mss_new (FALSE);
  guint i;

  for (i = 0; protocols && protocols[i]; i++)
    g_ptr_array_add (mss->protocols, g_strdup (protocols[i]));
  mss->accept = accept;
  mss->accept_data = user_data;
  return mss;
}

void
lp2p_mss_free (Lp2pMss * mss)
{
  if (mss == NULL)
    return;
  g_byte_array_unref (mss->in);
  g_ptr_array_unref (mss->protocols);
  g_free (mss->protocol);
  g_free (mss->error);
  g_clear_pointer (&mss->leftover, g_bytes_unref);
  g_free (mss);
}

void
lp2p_mss_start (Lp2pMss * mss, GByteArray * out)
{
  if (!mss->dialer)
    return;
  lp2p_mss_message_append (out, LP2P_MSS_HEADER, -1);
  lp2p_mss_message_append (out, g_ptr_array_index (mss->protocols, 0), -1);
}

static Lp2pMssStatus
finish (Lp2pMss * mss, Lp2pMssStatus status, gchar * error)
{
  mss->state = STATE_DONE;
  mss->status = status;
  mss->error = error;
  return status;
}

static gboolean
body_is (const guint8 * b, gsize l, const gchar * s)
{
  return l == strlen (s) && memcmp (b, s, l) == 0;
}

static gboolean
listener_supports (Lp2pMss * mss, const gchar * p)
{
  guint i;

  for (i = 0; i < mss->protocols->len; i++)
    if (g_str_equal (g_ptr_array_index (mss->protocols, i), p))
      return TRUE;
  return mss->accept != NULL && mss->accept (p, mss->accept_data);
}

/* One message from the dialer's point of view.  *@stop is set when the rest
 * of the input must not be read as messages. */
static Lp2pMssStatus
dialer_message (Lp2pMss * mss, const guint8 * b, gsize l, GByteArray * out,
    gboolean * stop)
{
  const gchar *current = g_ptr_array_index (mss->protocols, mss->proposed);

  if (mss->state == STATE_AWAIT_HEADER) {
    if (!body_is (b, l, LP2P_MSS_HEADER))
      return finish (mss, LP2P_MSS_VIOLATION,
          g_strdup_printf ("expected the header %s, got '%.*s'",
              LP2P_MSS_HEADER, (int) MIN (l, 64), b));
    mss->state = STATE_AWAIT_ANSWER;
    return LP2P_MSS_NEED_MORE;
  }

  if (body_is (b, l, LP2P_MSS_HEADER))
    return finish (mss, LP2P_MSS_VIOLATION,
        g_strdup ("header received twice"));
  if (body_is (b, l, LP2P_MSS_NA)) {
    if (mss->proposed + 1 >= mss->protocols->len)
      return finish (mss, LP2P_MSS_REJECTED,
          g_strdup_printf ("the peer refused %s%s", current,
              mss->protocols->len > 1 ? " and every fallback" : ""));
    mss->proposed++;
    lp2p_mss_message_append (out, g_ptr_array_index (mss->protocols,
            mss->proposed), -1);
    /* The listener cannot have read the new proposal yet: whatever follows
     * in this input was sent before it. */
    *stop = TRUE;
    return LP2P_MSS_NEED_MORE;
  }
  if (body_is (b, l, current)) {
    mss->protocol = g_strdup (current);
    mss->status = LP2P_MSS_SUCCESS;
    mss->state = STATE_DONE;
    return LP2P_MSS_SUCCESS;
  }
  return finish (mss, LP2P_MSS_VIOLATION,
      g_strdup_printf ("expected the echo of %s or na, got '%.*s'", current,
          (int) MIN (l, 64), b));
}

static Lp2pMssStatus
listener_message (Lp2pMss * mss, const guint8 * b, gsize l, GByteArray * out)
{
  g_autofree gchar *p = NULL;

  if (mss->state == STATE_AWAIT_HEADER) {
    if (!body_is (b, l, LP2P_MSS_HEADER))
      return finish (mss, LP2P_MSS_VIOLATION,
          g_strdup_printf ("expected the header %s, got '%.*s'",
              LP2P_MSS_HEADER, (int) MIN (l, 64), b));
    lp2p_mss_message_append (out, LP2P_MSS_HEADER, -1);
    mss->state = STATE_AWAIT_PROPOSAL;
    return LP2P_MSS_NEED_MORE;
  }

  if (body_is (b, l, LP2P_MSS_HEADER))
    return finish (mss, LP2P_MSS_VIOLATION,
        g_strdup ("header received twice"));
  if (body_is (b, l, LP2P_MSS_NA))
    return finish (mss, LP2P_MSS_VIOLATION,
        g_strdup ("na received by the listener"));
  if (++mss->answered > LP2P_MSS_MAX_PROPOSALS)
    return finish (mss, LP2P_MSS_VIOLATION,
        g_strdup_printf ("more than %d proposals", LP2P_MSS_MAX_PROPOSALS));
  if (body_is (b, l, LP2P_MSS_LS)) {
    g_ptr_array_add (mss->protocols, NULL);
    lp2p_mss_ls_response_append (out,
        (const gchar * const *) mss->protocols->pdata);
    g_ptr_array_remove_index (mss->protocols, mss->protocols->len - 1);
    return LP2P_MSS_NEED_MORE;
  }
  /* Liberal where nothing is at risk (spec section 3 rule 9): a name that
   * is not a valid protocol id is merely not supported. */
  if (!lp2p_mss_protocol_validate ((const gchar *) b, l, NULL)) {
    lp2p_mss_message_append (out, LP2P_MSS_NA, -1);
    return LP2P_MSS_NEED_MORE;
  }
  p = g_strndup ((const gchar *) b, l);
  if (!listener_supports (mss, p)) {
    lp2p_mss_message_append (out, LP2P_MSS_NA, -1);
    return LP2P_MSS_NEED_MORE;
  }
  lp2p_mss_message_append (out, p, l);
  mss->protocol = g_steal_pointer (&p);
  mss->status = LP2P_MSS_SUCCESS;
  mss->state = STATE_DONE;
  return LP2P_MSS_SUCCESS;
}

Lp2pMssStatus
lp2p_mss_feed (Lp2pMss * mss, const guint8 * data, gsize len,
    GByteArray * out)
{
  gsize off = 0;
  gboolean stop = FALSE;

  g_return_val_if_fail (mss->status == LP2P_MSS_NEED_MORE, mss->status);

  g_byte_array_append (mss->in, data, len);

  while (mss->status == LP2P_MSS_NEED_MORE && !stop) {
    const guint8 *b;
    gsize bl, used;
    const gchar *reason = NULL;
    Lp2pMssReadResult r;

    r = lp2p_mss_message_read (mss->in->data + off, mss->in->len - off,
        LP2P_MSS_MAX_MESSAGE_LEN, &b, &bl, &used, &reason);
    if (r == LP2P_MSS_READ_NEED_MORE)
      break;
    if (r == LP2P_MSS_READ_INVALID)
      return finish (mss, LP2P_MSS_VIOLATION, g_strdup (reason));
    off += used;
    /* Every control message and protocol id is one line of UTF-8; an ls
     * answer (which has inner newlines) is never expected: we do not send
     * ls. */
    if (memchr (b, '\n', bl) != NULL)
      return finish (mss, LP2P_MSS_VIOLATION,
          g_strdup ("message contains a newline before its end"));
    if (!g_utf8_validate_len ((const gchar *) b, bl, NULL))
      return finish (mss, LP2P_MSS_VIOLATION,
          g_strdup ("message is not valid UTF-8"));
    if (mss->dialer)
      dialer_message (mss, b, bl, out, &stop);
    else
      listener_message (mss, b, bl, out);
  }

  if (stop && off < mss->in->len)
    return finish (mss, LP2P_MSS_VIOLATION,
        g_strdup ("data after na before the next proposal was sent"));

  if (mss->status == LP2P_MSS_SUCCESS) {
    mss->leftover = g_bytes_new (mss->in->data + off, mss->in->len - off);
    g_byte_array_set_size (mss->in, 0);
  } else if (mss->status == LP2P_MSS_NEED_MORE) {
    /* Keep only the incomplete message: bounded by the message limit. */
    g_byte_array_remove_range (mss->in, 0, off);
  } else {
    g_byte_array_set_size (mss->in, 0);
  }
  return mss->status;
}

Lp2pMssStatus
lp2p_mss_feed_frame (Lp2pMss * mss, const Lp2pFrame * frame, GByteArray * out)
{
  g_return_val_if_fail (mss->status == LP2P_MSS_NEED_MORE, mss->status);

  if (frame->size == 0 && !frame->has_flag)
    return mss->status;
  if (frame->size > 0)
    lp2p_mss_feed (mss, frame->data, frame->size, out);
  /* The message field comes before the flag (mss-webrtc-reference.md b.2,
   * "ONE frame whose message completes the negotiation ... and that also
   * carries a flag"): a flag is "while negotiating" only when the frame's
   * message left the negotiation unfinished; else the caller applies it to
   * the open substream. */
  if (frame->has_flag && mss->status == LP2P_MSS_NEED_MORE) {
    static const gchar *const names[] = { "FIN", "STOP_SENDING",
      "RESET_STREAM", "FIN_ACK"
    };
    return finish (mss, LP2P_MSS_VIOLATION,
        g_strdup_printf ("%s received while negotiating", names[frame->flag]));
  }
  return mss->status;
}

Lp2pMssStatus
lp2p_mss_get_status (const Lp2pMss * mss)
{
  return mss->status;
}

gboolean
lp2p_mss_is_dialer (const Lp2pMss * mss)
{
  return mss->dialer;
}

const gchar *
lp2p_mss_get_protocol (const Lp2pMss * mss)
{
  if (mss->protocol)
    return mss->protocol;
  if (mss->dialer)
    return g_ptr_array_index (mss->protocols, mss->proposed);
  return NULL;
}

const gchar *
lp2p_mss_get_error (const Lp2pMss * mss)
{
  return mss->error;
}

gboolean
lp2p_mss_is_writable (const Lp2pMss * mss)
{
  return mss->status == LP2P_MSS_SUCCESS ||
      (mss->lazy && mss->status == LP2P_MSS_NEED_MORE);
}

GBytes *
lp2p_mss_take_leftover (Lp2pMss * mss)
{
  g_return_val_if_fail (mss->status == LP2P_MSS_SUCCESS, NULL);
  if (mss->leftover == NULL)
    return g_bytes_new (NULL, 0);
  return g_steal_pointer (&mss->leftover);
}
