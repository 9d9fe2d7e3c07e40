import { Controller, Get, Header } from '@nestjs/common';
import { CONSOLE_CSP, CONSOLE_CSS, CONSOLE_HTML } from './console-page.assets';
import { CONSOLE_JS } from './console-script.assets';

/** Headers of every console asset: the strict policy, no sniffing, no framing, no referrer. */
const Hardened = (): MethodDecorator => (target, key, descriptor) => {
  Header('content-security-policy', CONSOLE_CSP)(target, key, descriptor);
  Header('x-content-type-options', 'nosniff')(target, key, descriptor);
  Header('x-frame-options', 'DENY')(target, key, descriptor);
  Header('referrer-policy', 'no-referrer')(target, key, descriptor);
  Header('cache-control', 'no-cache')(target, key, descriptor);
};

/**
 * The auditor console (GET /console): public static content, the same for every caller. The data
 * it shows it asks of this API with the auditor's own bearer token, so the API's roles decide.
 */
@Controller()
export class ConsoleController {
  @Get('console')
  @Hardened()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return CONSOLE_HTML;
  }

  @Get('console/console.js')
  @Hardened()
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return CONSOLE_JS;
  }

  @Get('console/console.css')
  @Hardened()
  @Header('content-type', 'text/css; charset=utf-8')
  style(): string {
    return CONSOLE_CSS;
  }
}
