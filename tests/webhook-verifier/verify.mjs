// Verifies one webhook delivery with the Standard Webhooks reference
// library, independently of the server's own signing code. Reads
// {"secret", "headers", "body"} as JSON on standard input; prints the
// verified payload and exits 0, or prints why not and exits 1.
import { Webhook } from "standardwebhooks";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { secret, headers, body } = JSON.parse(input);
try {
  const payload = new Webhook(secret).verify(body, headers);
  process.stdout.write(JSON.stringify(payload));
} catch (e) {
  process.stdout.write(`refused: ${e.message}`);
  process.exit(1);
}
