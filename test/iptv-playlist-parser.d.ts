// Types for the parts of iptv-playlist-parser (no bundled types) the fuzz tests use.
declare module 'iptv-playlist-parser' {
  interface PlaylistItem {
    name: string;
    url: string;
    tvg: { id: string; name: string; logo: string };
    group: { title: string };
  }
  const parser: { parse(content: string): { header: { attrs: Record<string, string> }; items: PlaylistItem[] } };
  export default parser;
}
