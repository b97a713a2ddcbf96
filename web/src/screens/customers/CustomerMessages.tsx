import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { api } from "../../api/endpoints";
import { Empty, ErrorPanel, Loading } from "../../components/ui";
import { formatInstant, humanize } from "../../format";

/** The customer's latest messages from the outbox, each with its content as it went out. */
export function CustomerMessages({ customerRef }: { customerRef: string }) {
  const messages = useQuery({
    queryKey: ["outbox", customerRef, "latest"],
    queryFn: () => api.outbox({ customer: customerRef, limit: 10 }),
  });
  if (messages.error) return <ErrorPanel error={messages.error} />;
  if (!messages.data) return <Loading />;
  if (messages.data.items.length === 0) return <Empty>No message sent yet.</Empty>;
  return (
    <>
      <ul className="customer-messages">
        {messages.data.items.map((m) => (
          <li key={m.id}>
            <details>
              <summary>
                <span className="strong">{m.subject}</span>
                <span className="muted small">
                  {" "}
                  · {humanize(m.channel)} · {humanize(m.step)} · {formatInstant(m.createdAt)}
                </span>
              </summary>
              <pre className="message-body">{m.body}</pre>
            </details>
          </li>
        ))}
      </ul>
      <p className="small">
        <Link href={`/outbox?customer=${encodeURIComponent(customerRef)}`}>
          All messages to this customer
        </Link>
      </p>
    </>
  );
}
