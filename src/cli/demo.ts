// Placeholder until the demo command lands; reports plainly that it is not built yet.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('streamscope demo: not implemented yet\n');
  return 1;
}
