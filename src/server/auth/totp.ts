import { generate, generateSecret, generateURI, verify } from 'otplib';

/** TOTP as authenticator apps expect it: SHA-1, 6 digits, 30 s steps, ±1 step of clock drift. */
export function createTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, label: string, issuer = 'kefu'): string {
  return generateURI({ issuer, label, secret });
}

/** Returns the accepted time step (to make each code single-use), or null for a wrong code. */
export async function checkTotp(secret: string, code: string, afterTimeStep?: number | null): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epochTolerance: 30,
    ...(afterTimeStep ? { afterTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

export async function currentTotp(secret: string, epoch?: number): Promise<string> {
  return generate({ secret, ...(epoch ? { epoch } : {}) });
}
