export declare const CSP_META: string;
export declare const CSP_HEADER: string;
export declare const SECURITY_HEADERS: Record<string, string>;
export declare const ISOLATION_HEADERS: Record<string, string>;
