import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UserTokenType, type UserIdentityInfo } from 'node-opcua';
import type { OpcuaDevice } from './opcua-device.js';
import { OpcuaError } from './errors.js';

/** Resolves the configured identity into what node-opcua's createSession takes; secrets are read here, never kept in config. */
export async function resolveIdentity(identity: OpcuaDevice['options']['identity'], env: NodeJS.ProcessEnv = process.env): Promise<UserIdentityInfo> {
  switch (identity.type) {
    case 'anonymous':
      return { type: UserTokenType.Anonymous };
    case 'username': {
      let password = identity.password;
      if (identity.passwordEnv !== undefined) {
        password = env[identity.passwordEnv];
        if (password === undefined) throw new OpcuaError('OPCUA_INVALID_CONFIG', `environment variable ${identity.passwordEnv} (the OPC UA password of "${identity.username}") is not set`);
      } else if (identity.passwordFile !== undefined) {
        password = await readSecret(identity.passwordFile, 'password file');
        password = password.replace(/\r?\n$/, '');
      }
      return { type: UserTokenType.UserName, userName: identity.username, password: password ?? '' };
    }
    case 'certificate': {
      const cert = await readSecret(identity.certificateFile, 'user certificate', null);
      const privateKey = await readSecret(identity.privateKeyFile, 'user private key');
      let der: Buffer;
      try {
        der = Buffer.from(new X509Certificate(cert).raw);
      } catch (cause) {
        throw new OpcuaError('OPCUA_INVALID_CONFIG', `${identity.certificateFile} is not a PEM or DER X.509 certificate`, { cause });
      }
      return { type: UserTokenType.Certificate, certificateData: der, privateKey };
    }
  }
}

async function readSecret(file: string, what: string): Promise<string>;
async function readSecret(file: string, what: string, encoding: null): Promise<Buffer>;
async function readSecret(file: string, what: string, encoding: 'utf8' | null = 'utf8'): Promise<string | Buffer> {
  try {
    return encoding ? await readFile(file, encoding) : await readFile(file);
  } catch (cause) {
    throw new OpcuaError('OPCUA_INVALID_CONFIG', `cannot read the ${what} ${file}: ${(cause as Error).message}`, { cause });
  }
}
