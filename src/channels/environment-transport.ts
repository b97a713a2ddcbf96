import { createSmtpTransport, smtpConfigFromEnvironment, type EmailTransport } from "./email-transport.js";

/** How a use case that sends one message hands it on: the SMTP transport, if one is configured. */
export interface EnvironmentDispatch {
  transport: EmailTransport | null;
  emailFrom: { name: string; address: string } | null;
}

/**
 * Runs `body` with the SMTP transport of the environment (RECOUP_SMTP_URL, RECOUP_SMTP_FROM), or
 * none when it is not set (messages then stay in the outbox), and closes the transport after.
 *
 * @example await withEnvironmentTransport((dispatch) => recordPromise({ …, dispatch }))
 */
export async function withEnvironmentTransport<T>(
  body: (dispatch: EnvironmentDispatch) => Promise<T>,
): Promise<T> {
  const smtp = smtpConfigFromEnvironment();
  const transport = smtp ? createSmtpTransport({ url: smtp.url }) : null;
  try {
    return await body({ transport, emailFrom: smtp?.from ?? null });
  } finally {
    await transport?.close();
  }
}
