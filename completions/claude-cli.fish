# fish completion for claude-cli. Generated from the claude-cli command tree (`claude-cli completion SHELL`): do not edit.
# Static: Tab never starts Python and never makes a network call.
# Install: copy this file to ~/.config/fish/completions/claude-cli.fish

set -g __claude_cli_known_models 'claude-sonnet-5-5' 'claude-haiku-4-5'
set -g __claude_cli_implicit_command 'ask'
set -g __claude_cli_implicit_options '-m' '--model' '-s' '--system' '--max-tokens' '--prefill' '--stop' '--temperature' '--top-p' '--top-k' '--effort' '--no-think' '--think' '--think-budget' '--show-thinking' '-i' '--image' '-a' '--attach' '--cite' '--web' '--web-domains' '--max-searches' '--sources' '--download' '--json' '--no-stream' '--plain' '--dry-run' '--curl' '--schema' '--schema-multi' '-S' '--session' '-c' '--continue' '--no-save' '--max-retries' '--timeout'

# Subcommands (name<TAB>description) of a command path.
function __claude_cli_subcommands
    switch $argv[1]
        case ''
            printf '%s\n' 'ask	Ask Claude one question and print the answer.' 'tokens	Count the input tokens of a request (POST…' 'describe-image	Describe one or many images, each its own request, several at a time.' 'completion	Print the shell completion script (static: Tab never starts Python).' 'chat	Chat with Claude in a REPL (/help inside lists the commands).' 'models	List the models your key can use and what each can do (GET…' 'sessions	List, show, export, import, rename, delete and search saved sessions.' 'config	See and edit settings (config.toml), and which credentials are found.' 'batch	Bulk jobs on the Message Batches API: half price, results within 24…'
        case 'models'
            printf '%s\n' 'show	Show one model in full: limits and every capability (GET…'
        case 'sessions'
            printf '%s\n' 'list	Sessions, newest first: name, turns, model, updated, first words.' 'prune	Delete sessions not written for a while (asks first on a terminal).' 'show	Print a session\'s conversation, with token usage and estimated cost.' 'export	Print a session as Markdown or JSON.' 'import	Create a session from a JSON list of messages.' 'rename	Rename a session.' 'delete	Delete sessions (asks first on a terminal).' 'search	Find messages containing TEXT in every session.'
        case 'config'
            printf '%s\n' 'path	Print the config file\'s path (CLAUDE_CLI_CONFIG overrides it).' 'show	Show every setting, where it came from (env, file, default) and the…' 'set	Check a setting and save it in the config file (comments are kept).' 'unset	Remove a setting from the config file, so its default applies again.'
        case 'batch'
            printf '%s\n' 'submit	Submit one request per line as a job; prints the job\'s name.' 'list	Jobs, newest first: name, requests, batches, created, state.' 'status	Counts, estimated cost at batch prices, and the results\' cost once…' 'wait	Show progress on stderr until the job ends (Ctrl-C stops waiting…' 'results	One JSON line per input line, in input order: id, line, text, data…' 'cancel	Cancel the job\'s unfinished batches (finished requests keep their…'
    end
end

# Options (name<TAB>description) of a command path.
function __claude_cli_options
    switch $argv[1]
        case ''
            printf '%s\n' '--version	Show the version and exit.' '--install-completion	Install completion for the current shell.' '--show-completion	Show completion for the current shell, to copy it or customize the…' '-h	Show this message and exit.' '--help	Show this message and exit.' '-m	Model id, e.g. -m claude-haiku-4-5.' '--model	Model id, e.g. -m claude-haiku-4-5.' '-s	System prompt, e.g. -s \'Answer in French.\'' '--system	System prompt, e.g. -s \'Answer in French.\'' '--max-tokens	Most tokens to generate, e.g. --max-tokens 200.' '--prefill	Start of Claude\'s reply, e.g. --prefill \'{\'. Printed before the…' '--stop	Stop sequence (repeatable), e.g. --stop \'```\'.' '--temperature	Sampling temperature 0..1, sent only when given, e.g. --temperature…' '--top-p	Nucleus sampling 0..1, e.g. --top-p 0.9 (models before Opus 4.7 only).' '--top-k	Sample from the K likeliest tokens, e.g. --top-k 40 (same).' '--effort	How hard the model works: low, medium, high, xhigh or max (the…' '--no-think	Ask for thinking the way the model takes it (adaptive on current…' '--think	Ask for thinking the way the model takes it (adaptive on current…' '--think-budget	Thinking budget in tokens, for models that take only a manual budget…' '--show-thinking	Ask for the thinking summary and print it on stderr, dimmed.' '-i	Attach an image (path, URL or - for stdin); repeatable, e.g. -i…' '--image	Attach an image (path, URL or - for stdin); repeatable, e.g. -i…' '-a	Attach a PDF, a text file or an image (path, URL or - for stdin; the…' '--attach	Attach a PDF, a text file or an image (path, URL or - for stdin; the…' '--cite	Ask for citations from attached documents (kept in --json).' '--web	Let Claude search the web and read pages (server tools); sources are…' '--web-domains	With --web: only these domains, comma-separated, e.g. --web-domains…' '--max-searches	With --web: at most N searches, e.g. --max-searches 3.' '--sources	With --web or --cite, in a pipe: print the cited sources on stderr…' '--download	Fetch image URLs here and send the bytes (for private URLs)…' '--json	Print the complete Message object as JSON.' '--no-stream	Wait for the whole reply instead of streaming.' '--plain	Raw text on a terminal too (no Markdown).' '--dry-run	Print the JSON request body; send nothing.' '--curl	Print an equivalent curl command; send nothing.' '--schema	Answer as JSON matching this schema: inline JSON Schema, @file.json…' '--schema-multi	With --schema: a list of such objects (e.g. every person in a text).' '-S	Continue (or start) the named session, e.g. --session trip-plans.' '--session	Continue (or start) the named session, e.g. --session trip-plans.' '-c	Continue the latest conversation (an ask, chat or session).' '--continue	Continue the latest conversation (an ask, chat or session).' '--no-save	Do not remember this ask (by default each one is kept as an ask-DATE…' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the next event (pings do not count), or for the…'
        case 'ask'
            printf '%s\n' '-m	Model id, e.g. -m claude-haiku-4-5.' '--model	Model id, e.g. -m claude-haiku-4-5.' '-s	System prompt, e.g. -s \'Answer in French.\'' '--system	System prompt, e.g. -s \'Answer in French.\'' '--max-tokens	Most tokens to generate, e.g. --max-tokens 200.' '--prefill	Start of Claude\'s reply, e.g. --prefill \'{\'. Printed before the…' '--stop	Stop sequence (repeatable), e.g. --stop \'```\'.' '--temperature	Sampling temperature 0..1, sent only when given, e.g. --temperature…' '--top-p	Nucleus sampling 0..1, e.g. --top-p 0.9 (models before Opus 4.7 only).' '--top-k	Sample from the K likeliest tokens, e.g. --top-k 40 (same).' '--effort	How hard the model works: low, medium, high, xhigh or max (the…' '--no-think	Ask for thinking the way the model takes it (adaptive on current…' '--think	Ask for thinking the way the model takes it (adaptive on current…' '--think-budget	Thinking budget in tokens, for models that take only a manual budget…' '--show-thinking	Ask for the thinking summary and print it on stderr, dimmed.' '-i	Attach an image (path, URL or - for stdin); repeatable, e.g. -i…' '--image	Attach an image (path, URL or - for stdin); repeatable, e.g. -i…' '-a	Attach a PDF, a text file or an image (path, URL or - for stdin; the…' '--attach	Attach a PDF, a text file or an image (path, URL or - for stdin; the…' '--cite	Ask for citations from attached documents (kept in --json).' '--web	Let Claude search the web and read pages (server tools); sources are…' '--web-domains	With --web: only these domains, comma-separated, e.g. --web-domains…' '--max-searches	With --web: at most N searches, e.g. --max-searches 3.' '--sources	With --web or --cite, in a pipe: print the cited sources on stderr…' '--download	Fetch image URLs here and send the bytes (for private URLs)…' '--json	Print the complete Message object as JSON.' '--no-stream	Wait for the whole reply instead of streaming.' '--plain	Raw text on a terminal too (no Markdown).' '--dry-run	Print the JSON request body; send nothing.' '--curl	Print an equivalent curl command; send nothing.' '--schema	Answer as JSON matching this schema: inline JSON Schema, @file.json…' '--schema-multi	With --schema: a list of such objects (e.g. every person in a text).' '-S	Continue (or start) the named session, e.g. --session trip-plans.' '--session	Continue (or start) the named session, e.g. --session trip-plans.' '-c	Continue the latest conversation (an ask, chat or session).' '--continue	Continue the latest conversation (an ask, chat or session).' '--no-save	Do not remember this ask (by default each one is kept as an ask-DATE…' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the next event (pings do not count), or for the…' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'tokens'
            printf '%s\n' '-m	Model id, e.g. -m claude-haiku-4-5.' '--model	Model id, e.g. -m claude-haiku-4-5.' '-s	System prompt, e.g. -s \'Answer in French.\'' '--system	System prompt, e.g. -s \'Answer in French.\'' '-i	An image, as for ask; repeatable.' '--image	An image, as for ask; repeatable.' '-a	A PDF, text file or image, as for ask; repeatable.' '--attach	A PDF, text file or image, as for ask; repeatable.' '--web	Count the web tools\' definitions too.' '--schema	Answer as JSON matching this schema: inline JSON Schema, @file.json…' '--schema-multi	With --schema: a list of such objects (e.g. every person in a text).' '--effort	How hard the model works: low, medium, high, xhigh or max (the…' '--no-think	Ask for thinking the way the model takes it (adaptive on current…' '--think	Ask for thinking the way the model takes it (adaptive on current…' '-S	Continue (or start) the named session, e.g. --session trip-plans.' '--session	Continue (or start) the named session, e.g. --session trip-plans.' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the service\'s answer (default 600).' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'describe-image'
            printf '%s\n' '-p	What to ask about each image (default: a detailed description).' '--prompt	What to ask about each image (default: a detailed description).' '-m	Model id, e.g. -m claude-haiku-4-5.' '--model	Model id, e.g. -m claude-haiku-4-5.' '--max-tokens	Most tokens to generate, e.g. --max-tokens 200.' '-s	System prompt, e.g. -s \'Answer in French.\'' '--system	System prompt, e.g. -s \'Answer in French.\'' '--prefill	Start of each reply, e.g. --prefill \'{\'.' '--json	One JSON object per image and line (source, text, model…' '--schema	Answer as JSON matching this schema: inline JSON Schema, @file.json…' '--schema-multi	With --schema: a list of such objects (e.g. every person in a text).' '--effort	How hard the model works: low, medium, high, xhigh or max (the…' '--no-think	Ask for thinking the way the model takes it (adaptive on current…' '--think	Ask for thinking the way the model takes it (adaptive on current…' '--think-budget	Thinking budget in tokens, for models that take only a manual budget…' '-j	Requests in flight at once.' '--concurrency	Requests in flight at once.' '-S	Record each image and its description in this session.' '--session	Record each image and its description in this session.' '--download	Fetch image URLs here and send the bytes (for private URLs)…' '--plain	Raw text on a terminal too (no Markdown).' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the next event of a reply (pings do not count…' '--batch	Send them as a batch job at half price (results within 24 h: see…' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'completion'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'chat'
            printf '%s\n' '-S	Continue (or start) the named session, e.g. --session trip-plans.' '--session	Continue (or start) the named session, e.g. --session trip-plans.' '-c	Continue the most recently updated session.' '--continue	Continue the most recently updated session.' '-m	Model id, e.g. -m claude-haiku-4-5.' '--model	Model id, e.g. -m claude-haiku-4-5.' '-s	System prompt, e.g. -s \'Answer in French.\'' '--system	System prompt, e.g. -s \'Answer in French.\'' '--max-tokens	Most tokens to generate, e.g. --max-tokens 200.' '--effort	How hard the model works: low, medium, high, xhigh or max (the…' '--no-think	Ask for thinking the way the model takes it (adaptive on current…' '--think	Ask for thinking the way the model takes it (adaptive on current…' '--think-budget	Thinking budget in tokens, for models that take only a manual budget…' '--show-thinking	Ask for the thinking summary and print it on stderr, dimmed.' '--schema	Answer as JSON matching this schema: inline JSON Schema, @file.json…' '--schema-multi	With --schema: a list of such objects (e.g. every person in a text).' '--web	Let Claude search the web and read pages (server tools); sources are…' '--web-domains	With --web: only these domains, comma-separated, e.g. --web-domains…' '--max-searches	With --web: at most N searches, e.g. --max-searches 3.' '--cite	Ask for citations from attached documents (kept in --json).' '--sources	With --web or --cite, in a pipe: print the cited sources on stderr…' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the next event of a reply (pings do not count…' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'models'
            printf '%s\n' '--json	Print what the service sent, as JSON.' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'models show'
            printf '%s\n' '--json	Print what the service sent, as JSON.' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions list'
            printf '%s\n' '-n	Show only the N newest, e.g. -n 10.' '--limit	Show only the N newest, e.g. -n 10.' '--json	A JSON list of {name, turns, model, ...}.' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions prune'
            printf '%s\n' '--older-than	Age: a number and s, m, h, d or w, e.g. 30d (not written for 30 days).' '-y	Do not ask for confirmation.' '--yes	Do not ask for confirmation.' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions show'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions export'
            printf '%s\n' '-f	markdown or json (images inline).' '--format	markdown or json (images inline).' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions import'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions rename'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions delete'
            printf '%s\n' '-y	Do not ask for confirmation.' '--yes	Do not ask for confirmation.' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'sessions search'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'config'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'config path'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'config show'
            printf '%s\n' '--json	Print it all as JSON.' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'config set'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'config unset'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'batch'
            printf '%s\n' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'batch submit'
            printf '%s\n' '-m	Model id, e.g. -m claude-haiku-4-5.' '--model	Model id, e.g. -m claude-haiku-4-5.' '-s	System prompt, e.g. -s \'Answer in French.\'' '--system	System prompt, e.g. -s \'Answer in French.\'' '--max-tokens	Most tokens to generate, e.g. --max-tokens 200.' '--effort	How hard the model works: low, medium, high, xhigh or max (the…' '--no-think	Ask for thinking the way the model takes it (adaptive on current…' '--think	Ask for thinking the way the model takes it (adaptive on current…' '--think-budget	Thinking budget in tokens, for models that take only a manual budget…' '--stop	Stop sequence (repeatable), e.g. --stop \'```\'.' '--temperature	Sampling temperature 0..1.' '--schema	Answer as JSON matching this schema: inline JSON Schema, @file.json…' '--schema-multi	With --schema: a list of such objects (e.g. every person in a text).' '-a	Attach a PDF, text file or image (as for ask) to every line that has…' '--attach	Attach a PDF, text file or image (as for ask) to every line that has…' '--name	Name the job (default: the file\'s name).' '--new	A fresh job, even if this input was submitted before.' '--batch-size	Most requests per batch (default 100000).' '--wait	Then wait until the job ends.' '--interval	Seconds between status checks while waiting (default 30).' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the next event (pings do not count), or for the…' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'batch list'
            printf '%s\n' '--json	A JSON list of {name, requests, batches, created, ...}.' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'batch status'
            printf '%s\n' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the next event (pings do not count), or for the…' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'batch wait'
            printf '%s\n' '--interval	Seconds between status checks while waiting (default 30).' '--max-retries	Retries on 429/5xx/network errors (default 2).' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'batch results'
            printf '%s\n' '-o	Write to this file (in place only once complete).' '--output	Write to this file (in place only once complete).' '--retry-failed	Submit the failed requests as a new job (JOB-retry); once it ends…' '--max-retries	Retries on 429/5xx/network errors (default 2).' '--timeout	Seconds to wait for the next event (pings do not count), or for the…' '-h	Show this message and exit.' '--help	Show this message and exit.'
        case 'batch cancel'
            printf '%s\n' '--max-retries	Retries on 429/5xx/network errors (default 2).' '-h	Show this message and exit.' '--help	Show this message and exit.'
    end
end

# What the value of option $argv[2] (under path $argv[1]) completes to.
function __claude_cli_value_kind
    set -l opt (string replace -r '=.*' '' -- "$argv[2]")
    switch "$argv[1]/$opt"
        case 'ask/-m'
            printf '%s\n' 'model'
        case 'ask/--model'
            printf '%s\n' 'model'
        case 'ask/-s'
            printf '%s\n' 'text'
        case 'ask/--system'
            printf '%s\n' 'text'
        case 'ask/--max-tokens'
            printf '%s\n' 'text'
        case 'ask/--prefill'
            printf '%s\n' 'text'
        case 'ask/--stop'
            printf '%s\n' 'text'
        case 'ask/--temperature'
            printf '%s\n' 'text'
        case 'ask/--top-p'
            printf '%s\n' 'text'
        case 'ask/--top-k'
            printf '%s\n' 'text'
        case 'ask/--effort'
            printf '%s\n' 'text'
        case 'ask/--think-budget'
            printf '%s\n' 'text'
        case 'ask/-i'
            printf '%s\n' 'file'
        case 'ask/--image'
            printf '%s\n' 'file'
        case 'ask/-a'
            printf '%s\n' 'file'
        case 'ask/--attach'
            printf '%s\n' 'file'
        case 'ask/--web-domains'
            printf '%s\n' 'text'
        case 'ask/--max-searches'
            printf '%s\n' 'text'
        case 'ask/--schema'
            printf '%s\n' 'text'
        case 'ask/-S'
            printf '%s\n' 'session'
        case 'ask/--session'
            printf '%s\n' 'session'
        case 'ask/--max-retries'
            printf '%s\n' 'text'
        case 'ask/--timeout'
            printf '%s\n' 'text'
        case 'tokens/-m'
            printf '%s\n' 'model'
        case 'tokens/--model'
            printf '%s\n' 'model'
        case 'tokens/-s'
            printf '%s\n' 'text'
        case 'tokens/--system'
            printf '%s\n' 'text'
        case 'tokens/-i'
            printf '%s\n' 'file'
        case 'tokens/--image'
            printf '%s\n' 'file'
        case 'tokens/-a'
            printf '%s\n' 'file'
        case 'tokens/--attach'
            printf '%s\n' 'file'
        case 'tokens/--schema'
            printf '%s\n' 'text'
        case 'tokens/--effort'
            printf '%s\n' 'text'
        case 'tokens/-S'
            printf '%s\n' 'session'
        case 'tokens/--session'
            printf '%s\n' 'session'
        case 'tokens/--max-retries'
            printf '%s\n' 'text'
        case 'tokens/--timeout'
            printf '%s\n' 'text'
        case 'describe-image/-p'
            printf '%s\n' 'text'
        case 'describe-image/--prompt'
            printf '%s\n' 'text'
        case 'describe-image/-m'
            printf '%s\n' 'model'
        case 'describe-image/--model'
            printf '%s\n' 'model'
        case 'describe-image/--max-tokens'
            printf '%s\n' 'text'
        case 'describe-image/-s'
            printf '%s\n' 'text'
        case 'describe-image/--system'
            printf '%s\n' 'text'
        case 'describe-image/--prefill'
            printf '%s\n' 'text'
        case 'describe-image/--schema'
            printf '%s\n' 'text'
        case 'describe-image/--effort'
            printf '%s\n' 'text'
        case 'describe-image/--think-budget'
            printf '%s\n' 'text'
        case 'describe-image/-j'
            printf '%s\n' 'text'
        case 'describe-image/--concurrency'
            printf '%s\n' 'text'
        case 'describe-image/-S'
            printf '%s\n' 'session'
        case 'describe-image/--session'
            printf '%s\n' 'session'
        case 'describe-image/--max-retries'
            printf '%s\n' 'text'
        case 'describe-image/--timeout'
            printf '%s\n' 'text'
        case 'chat/-S'
            printf '%s\n' 'session'
        case 'chat/--session'
            printf '%s\n' 'session'
        case 'chat/-m'
            printf '%s\n' 'model'
        case 'chat/--model'
            printf '%s\n' 'model'
        case 'chat/-s'
            printf '%s\n' 'text'
        case 'chat/--system'
            printf '%s\n' 'text'
        case 'chat/--max-tokens'
            printf '%s\n' 'text'
        case 'chat/--effort'
            printf '%s\n' 'text'
        case 'chat/--think-budget'
            printf '%s\n' 'text'
        case 'chat/--schema'
            printf '%s\n' 'text'
        case 'chat/--web-domains'
            printf '%s\n' 'text'
        case 'chat/--max-searches'
            printf '%s\n' 'text'
        case 'chat/--max-retries'
            printf '%s\n' 'text'
        case 'chat/--timeout'
            printf '%s\n' 'text'
        case 'sessions list/-n'
            printf '%s\n' 'text'
        case 'sessions list/--limit'
            printf '%s\n' 'text'
        case 'sessions prune/--older-than'
            printf '%s\n' 'text'
        case 'sessions export/-f'
            printf '%s\n' 'text'
        case 'sessions export/--format'
            printf '%s\n' 'text'
        case 'batch submit/-m'
            printf '%s\n' 'model'
        case 'batch submit/--model'
            printf '%s\n' 'model'
        case 'batch submit/-s'
            printf '%s\n' 'text'
        case 'batch submit/--system'
            printf '%s\n' 'text'
        case 'batch submit/--max-tokens'
            printf '%s\n' 'text'
        case 'batch submit/--effort'
            printf '%s\n' 'text'
        case 'batch submit/--think-budget'
            printf '%s\n' 'text'
        case 'batch submit/--stop'
            printf '%s\n' 'text'
        case 'batch submit/--temperature'
            printf '%s\n' 'text'
        case 'batch submit/--schema'
            printf '%s\n' 'text'
        case 'batch submit/-a'
            printf '%s\n' 'file'
        case 'batch submit/--attach'
            printf '%s\n' 'file'
        case 'batch submit/--name'
            printf '%s\n' 'text'
        case 'batch submit/--batch-size'
            printf '%s\n' 'text'
        case 'batch submit/--interval'
            printf '%s\n' 'text'
        case 'batch submit/--max-retries'
            printf '%s\n' 'text'
        case 'batch submit/--timeout'
            printf '%s\n' 'text'
        case 'batch status/--max-retries'
            printf '%s\n' 'text'
        case 'batch status/--timeout'
            printf '%s\n' 'text'
        case 'batch wait/--interval'
            printf '%s\n' 'text'
        case 'batch wait/--max-retries'
            printf '%s\n' 'text'
        case 'batch results/-o'
            printf '%s\n' 'text'
        case 'batch results/--output'
            printf '%s\n' 'text'
        case 'batch results/--max-retries'
            printf '%s\n' 'text'
        case 'batch results/--timeout'
            printf '%s\n' 'text'
        case 'batch cancel/--max-retries'
            printf '%s\n' 'text'
    end
end

# What argument number $argv[2] (from 0) of path $argv[1] completes to.
function __claude_cli_arg_kind
    switch "$argv[1]/$argv[2]"
        case 'completion/0'
            printf '%s\n' 'choice:bash zsh fish'
        case 'models show/0'
            printf '%s\n' 'model'
        case 'sessions show/0'
            printf '%s\n' 'session'
        case 'sessions export/0'
            printf '%s\n' 'session'
        case 'sessions import/1'
            printf '%s\n' 'file'
        case 'sessions rename/0'
            printf '%s\n' 'session'
        case 'config set/0'
            printf '%s\n' 'choice:model max_tokens system api_version base_url timeout max_retries prefill_model api_key_command prompt_caching image_max_edge download_images save_asks'
        case 'config unset/0'
            printf '%s\n' 'choice:model max_tokens system api_version base_url timeout max_retries prefill_model api_key_command prompt_caching image_max_edge download_images save_asks'
        case 'batch submit/0'
            printf '%s\n' 'file'
        case 'batch status/0'
            printf '%s\n' 'job'
        case 'batch wait/0'
            printf '%s\n' 'job'
        case 'batch results/0'
            printf '%s\n' 'job'
        case 'batch cancel/0'
            printf '%s\n' 'job'
        case 'describe-image/*'
            printf '%s\n' 'file'
        case 'sessions delete/*'
            printf '%s\n' 'session'
    end
end

# Names of the *.json files in the data folder's $argv[1] (sessions, batches), described
# as $argv[2].
function __claude_cli_names
    set -l dir
    if test (uname) = Darwin
        set dir "$HOME/Library/Application Support/claude-cli/$argv[1]"
    else if set -q XDG_DATA_HOME[1]; and test -n "$XDG_DATA_HOME"
        set dir "$XDG_DATA_HOME/claude-cli/$argv[1]"
    else
        set dir "$HOME/.local/share/claude-cli/$argv[1]"
    end
    for f in $dir/*.json
        set -l name (string replace -r '^.*/(.*)\.json$' '$1' -- $f)
        string match -qr '^[A-Za-z0-9_][A-Za-z0-9._-]*$' -- $name
        and printf '%s\t%s\n' $name $argv[2]
    end
end

function __claude_cli_sessions
    __claude_cli_names sessions session
end

function __claude_cli_jobs
    __claude_cli_names batches 'batch job'
end

function __claude_cli_models
    set -l file
    if test (uname) = Darwin
        set file "$HOME/Library/Caches/claude-cli/models.txt"
    else if set -q XDG_CACHE_HOME[1]; and test -n "$XDG_CACHE_HOME"
        set file "$XDG_CACHE_HOME/claude-cli/models.txt"
    else
        set file "$HOME/.cache/claude-cli/models.txt"
    end
    set -l ids $__claude_cli_known_models
    test -r "$file"; and set -a ids (string match -r '^[A-Za-z0-9][A-Za-z0-9._:@/-]*$' <$file)
    set -l unique
    for id in $ids
        contains -- $id $unique; or set -a unique $id
    end
    printf '%s\tmodel\n' $unique
end

# Candidates for a value of kind $argv[1] matching $argv[2], each prefixed with $argv[3].
function __claude_cli_complete_kind
    set -l kind $argv[1]
    set -l cur $argv[2]
    set -l prefix $argv[3]
    switch $kind
        case file
            __fish_complete_path "$cur" | string replace -r '^' -- $prefix
        case session
            __claude_cli_sessions | string replace -r '^' -- $prefix
        case job
            __claude_cli_jobs | string replace -r '^' -- $prefix
        case model
            __claude_cli_models | string replace -r '^' -- $prefix
        case 'choice:*'
            string split ' ' -- (string replace 'choice:' '' -- $kind) \
                | string replace -r '^' -- $prefix
    end
end

# Whether option $argv[2] as the first word (path $argv[1] empty) is one of the implicit
# command's: the line is that command's.
function __claude_cli_implicit
    test -z "$argv[1]"
    and contains -- (string replace -r '=.*' '' -- $argv[2]) $__claude_cli_implicit_options
end

function __claude_cli_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -e tokens[1]
    set -l path ''
    set -l npos 0
    set -l ddash 0
    set -l skip 0
    set -l prev ''
    for w in $tokens
        set prev $w
        if test $skip = 1
            set skip 0
            set prev ''
        else if test $ddash = 0; and test "$w" = --
            set ddash 1
        else if test $ddash = 0; and string match -qr -- '^-.' $w
            __claude_cli_implicit "$path" $w; and set path $__claude_cli_implicit_command
            set -l kind (__claude_cli_value_kind "$path" $w)
            if test -n "$kind"; and not string match -q -- '*=*' $w
                set skip 1
            end
        else if test $ddash = 0; and test $npos = 0; \
                and contains -- $w (__claude_cli_subcommands "$path" | string replace -r '\t.*' '')
            set path (string join ' ' -- $path $w | string trim)
        else
            set npos (math $npos + 1)
        end
    end
    if test $ddash = 0; and string match -qr -- '^--[^=]+=' $cur
        set -l opt (string replace -r '=.*' '' -- $cur)
        __claude_cli_implicit "$path" $opt; and set path $__claude_cli_implicit_command
        set -l kind (__claude_cli_value_kind "$path" $opt)
        if test -n "$kind"
            __claude_cli_complete_kind $kind (string replace -r '^[^=]*=' '' -- "$cur") "$opt="
            return
        end
    end
    if test $ddash = 0; and test $skip = 1
        set -l kind (__claude_cli_value_kind "$path" $prev)
        __claude_cli_complete_kind "$kind" "$cur" ''
        return
    end
    if test $ddash = 0; and string match -q -- '-*' $cur
        __claude_cli_options "$path"
        return
    end
    set -l subcommands (__claude_cli_subcommands "$path")
    if test $npos = 0; and set -q subcommands[1]
        printf '%s\n' $subcommands
        return
    end
    set -l kind (__claude_cli_arg_kind "$path" $npos)
    __claude_cli_complete_kind "$kind" "$cur" ''
end

complete -c claude-cli -e
complete -c claude-cli -f -a '(__claude_cli_complete)'
