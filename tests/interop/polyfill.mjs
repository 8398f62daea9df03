// js-libp2p 3.x targets Node 22; Node 20 lacks Promise.withResolvers, which
// @libp2p/webrtc's stream uses when closing (shared/spec/interop-notes.md).
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
