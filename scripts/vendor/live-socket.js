// The dashboard's Socket.IO client, served as /vendor/live-socket.js (global `io`): the
// part of npm socket.io-client that the page uses, in about 1 KB brotli instead of its
// 13 KB build. scripts/setup.sh (setup_vendor) minifies it with esbuild.
//
// It speaks the protocol of socketioxide and npm socket.io (Engine.IO 4, Socket.IO 5) on
// one namespace: over a WebSocket, or, where that fails before the connection opened (a
// proxy that refuses the upgrade), over HTTP long-polling, as socket.io-client does with
// `tryAllTransports`.
//
// `io(namespace, { transports })` returns a socket with `on(event, handler)`,
// `emit(event, ...args)`, `connect()` and `connected`. It fires `connect`,
// `connect_error` (an Error; a refused handshake carries the server's message) and
// `disconnect` (the reason), and each event the server emits.
//
// Left out, because the page does not use them: reconnection (the app's, src/app/live.rs,
// which counts down to the next attempt), closing from the client, acknowledgements, binary payloads, the upgrade of
// a polling connection to a WebSocket (polling is only used where a WebSocket failed), and
// several namespaces on one connection. tests/js/live_socket.test.mjs holds it to the npm
// socket.io server; the browser tests use it against chatpulse.
"use strict";
(() => {
  const PATH = "/socket.io/?EIO=4&transport=";
  // Engine.IO's separator of the packets in one polling request or answer.
  const SEPARATOR = "\x1e";

  /** An Engine.IO connection over a WebSocket. */
  function webSocketLink(onPacket, onClose) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}${PATH}websocket`);
    let open = true;
    const close = (reason) => {
      if (!open) return;
      open = false;
      ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close();
      onClose(reason);
    };
    ws.onmessage = (event) => open && typeof event.data === "string" && onPacket(event.data);
    ws.onclose = () => close("transport close");
    ws.onerror = () => close("transport error");
    return { send: (packet) => open && ws.send(packet), close };
  }

  /**
   * An Engine.IO connection over long-polling: one GET always waiting for the server's
   * packets, and one POST at a time for ours (the server refuses overlapping POSTs).
   */
  function pollingLink(onPacket, onClose) {
    const abort = new AbortController();
    let sid = null;
    let open = true;
    let queue = [];
    let posting = false;
    const request = (init) =>
      fetch(`${PATH}polling${sid ? `&sid=${encodeURIComponent(sid)}` : ""}`, {
        credentials: "same-origin",
        cache: "no-store",
        signal: abort.signal,
        ...init,
      }).then((answer) => {
        if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
        return answer.text();
      });
    const close = (reason) => {
      if (!open) return;
      open = false;
      abort.abort();
      onClose(reason);
    };
    const fail = () => close("transport error");
    const poll = () =>
      request().then((body) => {
        for (const packet of body.split(SEPARATOR)) {
          if (!open) return;
          if (sid === null && packet[0] === "0") sid = JSON.parse(packet.slice(1)).sid;
          onPacket(packet);
        }
        if (open) poll();
      }, fail);
    const flush = () => {
      if (posting || !queue.length || !open || sid === null) return;
      const body = queue.join(SEPARATOR);
      queue = [];
      posting = true;
      request({ method: "POST", body, headers: { "content-type": "text/plain;charset=UTF-8" } }).then(() => {
        posting = false;
        flush();
      }, fail);
    };
    poll();
    return {
      send: (packet) => {
        queue.push(packet);
        flush();
      },
      close,
    };
  }

  const LINKS = { websocket: webSocketLink, polling: pollingLink };

  class Socket {
    constructor(namespace, options = {}) {
      // Packets of the main namespace carry no name; others carry "/name,".
      this.prefix = namespace === "/" ? "" : `${namespace},`;
      this.transports = (options.transports ?? ["websocket", "polling"]).filter((t) => LINKS[t]);
      this.handlers = new Map();
      this.connected = false;
      this.link = null;
      this.refusal = null;
      this.connect();
    }

    on(event, handler) {
      if (!this.handlers.has(event)) this.handlers.set(event, []);
      this.handlers.get(event).push(handler);
      return this;
    }

    /** Sends an event while connected; one emitted while offline is dropped. */
    emit(event, ...args) {
      if (this.connected) this.link.send(`42${this.prefix}${JSON.stringify([event, ...args])}`);
      return this;
    }

    connect() {
      if (!this.link) this.open(0);
      return this;
    }

    fire(event, ...args) {
      for (const handler of this.handlers.get(event) ?? []) handler(...args);
    }

    /** Opens the transport at `index`, falling back to the next if it fails before opening. */
    open(index) {
      let opened = false;
      const onPacket = (packet) => {
        opened = true;
        try {
          this.onPacket(packet);
        } catch (error) {
          this.link?.close("parse error");
        }
      };
      const onClose = (reason) => {
        if (this.link !== link) return;
        this.link = null;
        clearTimeout(this.heartbeat);
        if (!opened && index + 1 < this.transports.length) return this.open(index + 1);
        if (this.connected) {
          this.connected = false;
          this.fire("disconnect", reason);
        } else {
          const error = this.refusal ?? new Error(reason);
          this.refusal = null;
          this.fire("connect_error", error);
        }
      };
      let link;
      try {
        link = LINKS[this.transports[index]](onPacket, onClose);
      } catch (error) {
        // A WebSocket the browser refuses to create: the next transport, or an error.
        link = { send() {}, close() {} };
        setTimeout(() => onClose("transport error"));
      }
      this.link = link;
    }

    /** The server must ping within its interval and timeout, or the connection is dead. */
    alive() {
      clearTimeout(this.heartbeat);
      this.heartbeat = setTimeout(() => this.link?.close("ping timeout"), this.pingWait);
    }

    onPacket(packet) {
      switch (packet[0]) {
        case "0": {
          const handshake = JSON.parse(packet.slice(1));
          this.pingWait = handshake.pingInterval + handshake.pingTimeout;
          this.alive();
          this.link.send(`40${this.prefix}`);
          break;
        }
        case "1":
          this.link.close("transport close");
          break;
        case "2":
          this.alive();
          this.link.send("3");
          break;
        case "4":
          this.onMessage(packet.slice(1));
          break;
      }
    }

    /** A Socket.IO packet: its type, the namespace, an acknowledgement id, then JSON. */
    onMessage(data) {
      const body = data.slice(1);
      if (!body.startsWith(this.prefix) || (!this.prefix && body[0] === "/")) return;
      const json = body.slice(this.prefix.length).replace(/^\d+/, "");
      switch (data[0]) {
        case "0":
          this.connected = true;
          this.fire("connect");
          break;
        case "1":
          this.link.close("io server disconnect");
          break;
        case "2": {
          const [event, ...args] = JSON.parse(json);
          this.fire(event, ...args);
          break;
        }
        case "4": {
          const refusal = JSON.parse(json);
          this.refusal = Object.assign(new Error(refusal.message), { data: refusal.data });
          this.link.close("refused");
          break;
        }
      }
    }
  }

  window.io = (namespace = "/", options = {}) => new Socket(namespace, options);
})();
