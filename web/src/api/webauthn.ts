// WebAuthn in JSON: the server (webauthn-rs) sends and expects binary
// fields as base64url; the browser API wants and gives ArrayBuffers.

function toBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toText(buffer: ArrayBuffer | null): string | null {
  if (buffer === null) return null;
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

type Json = Record<string, unknown>;
interface Descriptor {
  id: string;
  type: string;
  transports?: string[];
}

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list as Descriptor[]).map((item) => ({
    type: 'public-key',
    id: toBytes(item.id),
    transports: item.transports as AuthenticatorTransport[] | undefined,
  }));
}

/// Creates a passkey from the server's `{publicKey: ...}` creation options.
export async function createPasskey(options: unknown): Promise<Json> {
  const key = (options as { publicKey: Json }).publicKey;
  const user = key.user as Json;
  const publicKey = {
    ...key,
    challenge: toBytes(key.challenge as string),
    user: { ...user, id: toBytes(user.id as string) },
    excludeCredentials: descriptors(key.excludeCredentials),
  } as unknown as PublicKeyCredentialCreationOptions;
  const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential | null;
  if (!credential) throw new Error('no passkey was created');
  const response = credential.response as AuthenticatorAttestationResponse;
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      attestationObject: toText(response.attestationObject),
      clientDataJSON: toText(response.clientDataJSON),
      transports: response.getTransports?.() ?? [],
    },
    extensions: credential.getClientExtensionResults(),
  };
}

/// Signs with a passkey for the server's `{publicKey: ...}` request options.
export async function usePasskey(options: unknown): Promise<Json> {
  const key = (options as { publicKey: Json }).publicKey;
  const publicKey = {
    ...key,
    challenge: toBytes(key.challenge as string),
    allowCredentials: descriptors(key.allowCredentials),
  } as unknown as PublicKeyCredentialRequestOptions;
  const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential | null;
  if (!credential) throw new Error('no passkey was used');
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      authenticatorData: toText(response.authenticatorData),
      clientDataJSON: toText(response.clientDataJSON),
      signature: toText(response.signature),
      userHandle: toText(response.userHandle),
    },
    extensions: credential.getClientExtensionResults(),
  };
}
