# bash completion for claude-cli  -*- shell-script -*-
# Generated from the claude-cli command tree (`claude-cli completion SHELL`): do not edit.
# Static: Tab never starts Python and never makes a network call.
# Install: source this file from ~/.bashrc, or copy it to
# ${XDG_DATA_HOME:-~/.local/share}/bash-completion/completions/claude-cli

_claude_cli_known_models='claude-sonnet-5-5 claude-haiku-4-5'
_claude_cli_implicit_command='ask'
_claude_cli_implicit_options='-m --model -s --system --max-tokens --prefill --stop --temperature --top-p --top-k --effort --no-think --think --think-budget --show-thinking -i --image -a --attach --cite --web --web-domains --max-searches --sources --download --json --no-stream --plain --dry-run --curl --schema --schema-multi -S --session -c --continue --no-save --max-retries --timeout'

# Subcommands of a command path; returns 1 when it has none.
_claude_cli_subcommands() {
    case "$1" in
        '') _cc_words='ask tokens describe-image completion chat models sessions config batch' ;;
        'models') _cc_words='show' ;;
        'sessions') _cc_words='list prune show export import rename delete search' ;;
        'config') _cc_words='path show set unset' ;;
        'batch') _cc_words='submit list status wait results cancel' ;;
        *) _cc_words= && return 1 ;;
    esac
}

# Options of a command path.
_claude_cli_options() {
    case "$1" in
        '') _cc_words='--version --install-completion --show-completion -h --help -m --model -s --system --max-tokens --prefill --stop --temperature --top-p --top-k --effort --no-think --think --think-budget --show-thinking -i --image -a --attach --cite --web --web-domains --max-searches --sources --download --json --no-stream --plain --dry-run --curl --schema --schema-multi -S --session -c --continue --no-save --max-retries --timeout' ;;
        'ask') _cc_words='-m --model -s --system --max-tokens --prefill --stop --temperature --top-p --top-k --effort --no-think --think --think-budget --show-thinking -i --image -a --attach --cite --web --web-domains --max-searches --sources --download --json --no-stream --plain --dry-run --curl --schema --schema-multi -S --session -c --continue --no-save --max-retries --timeout -h --help' ;;
        'tokens') _cc_words='-m --model -s --system -i --image -a --attach --web --schema --schema-multi --effort --no-think --think -S --session --max-retries --timeout -h --help' ;;
        'describe-image') _cc_words='-p --prompt -m --model --max-tokens -s --system --prefill --json --schema --schema-multi --effort --no-think --think --think-budget -j --concurrency -S --session --download --plain --max-retries --timeout --batch -h --help' ;;
        'completion') _cc_words='-h --help' ;;
        'chat') _cc_words='-S --session -c --continue -m --model -s --system --max-tokens --effort --no-think --think --think-budget --show-thinking --schema --schema-multi --web --web-domains --max-searches --cite --sources --max-retries --timeout -h --help' ;;
        'models') _cc_words='--json -h --help' ;;
        'models show') _cc_words='--json -h --help' ;;
        'sessions') _cc_words='-h --help' ;;
        'sessions list') _cc_words='-n --limit --json -h --help' ;;
        'sessions prune') _cc_words='--older-than -y --yes -h --help' ;;
        'sessions show') _cc_words='-h --help' ;;
        'sessions export') _cc_words='-f --format -h --help' ;;
        'sessions import') _cc_words='-h --help' ;;
        'sessions rename') _cc_words='-h --help' ;;
        'sessions delete') _cc_words='-y --yes -h --help' ;;
        'sessions search') _cc_words='-h --help' ;;
        'config') _cc_words='-h --help' ;;
        'config path') _cc_words='-h --help' ;;
        'config show') _cc_words='--json -h --help' ;;
        'config set') _cc_words='-h --help' ;;
        'config unset') _cc_words='-h --help' ;;
        'batch') _cc_words='-h --help' ;;
        'batch submit') _cc_words='-m --model -s --system --max-tokens --effort --no-think --think --think-budget --stop --temperature --schema --schema-multi -a --attach --name --new --batch-size --wait --interval --max-retries --timeout -h --help' ;;
        'batch list') _cc_words='--json -h --help' ;;
        'batch status') _cc_words='--max-retries --timeout -h --help' ;;
        'batch wait') _cc_words='--interval --max-retries -h --help' ;;
        'batch results') _cc_words='-o --output --retry-failed --max-retries --timeout -h --help' ;;
        'batch cancel') _cc_words='--max-retries -h --help' ;;
        *) _cc_words= ;;
    esac
}

# What the value of option $2 (under path $1) completes to; empty for a flag.
_claude_cli_value_kind() {
    case "$1/${2%%=*}" in
        'ask/-m') _cc_kind='model' ;;
        'ask/--model') _cc_kind='model' ;;
        'ask/-s') _cc_kind='text' ;;
        'ask/--system') _cc_kind='text' ;;
        'ask/--max-tokens') _cc_kind='text' ;;
        'ask/--prefill') _cc_kind='text' ;;
        'ask/--stop') _cc_kind='text' ;;
        'ask/--temperature') _cc_kind='text' ;;
        'ask/--top-p') _cc_kind='text' ;;
        'ask/--top-k') _cc_kind='text' ;;
        'ask/--effort') _cc_kind='text' ;;
        'ask/--think-budget') _cc_kind='text' ;;
        'ask/-i') _cc_kind='file' ;;
        'ask/--image') _cc_kind='file' ;;
        'ask/-a') _cc_kind='file' ;;
        'ask/--attach') _cc_kind='file' ;;
        'ask/--web-domains') _cc_kind='text' ;;
        'ask/--max-searches') _cc_kind='text' ;;
        'ask/--schema') _cc_kind='text' ;;
        'ask/-S') _cc_kind='session' ;;
        'ask/--session') _cc_kind='session' ;;
        'ask/--max-retries') _cc_kind='text' ;;
        'ask/--timeout') _cc_kind='text' ;;
        'tokens/-m') _cc_kind='model' ;;
        'tokens/--model') _cc_kind='model' ;;
        'tokens/-s') _cc_kind='text' ;;
        'tokens/--system') _cc_kind='text' ;;
        'tokens/-i') _cc_kind='file' ;;
        'tokens/--image') _cc_kind='file' ;;
        'tokens/-a') _cc_kind='file' ;;
        'tokens/--attach') _cc_kind='file' ;;
        'tokens/--schema') _cc_kind='text' ;;
        'tokens/--effort') _cc_kind='text' ;;
        'tokens/-S') _cc_kind='session' ;;
        'tokens/--session') _cc_kind='session' ;;
        'tokens/--max-retries') _cc_kind='text' ;;
        'tokens/--timeout') _cc_kind='text' ;;
        'describe-image/-p') _cc_kind='text' ;;
        'describe-image/--prompt') _cc_kind='text' ;;
        'describe-image/-m') _cc_kind='model' ;;
        'describe-image/--model') _cc_kind='model' ;;
        'describe-image/--max-tokens') _cc_kind='text' ;;
        'describe-image/-s') _cc_kind='text' ;;
        'describe-image/--system') _cc_kind='text' ;;
        'describe-image/--prefill') _cc_kind='text' ;;
        'describe-image/--schema') _cc_kind='text' ;;
        'describe-image/--effort') _cc_kind='text' ;;
        'describe-image/--think-budget') _cc_kind='text' ;;
        'describe-image/-j') _cc_kind='text' ;;
        'describe-image/--concurrency') _cc_kind='text' ;;
        'describe-image/-S') _cc_kind='session' ;;
        'describe-image/--session') _cc_kind='session' ;;
        'describe-image/--max-retries') _cc_kind='text' ;;
        'describe-image/--timeout') _cc_kind='text' ;;
        'chat/-S') _cc_kind='session' ;;
        'chat/--session') _cc_kind='session' ;;
        'chat/-m') _cc_kind='model' ;;
        'chat/--model') _cc_kind='model' ;;
        'chat/-s') _cc_kind='text' ;;
        'chat/--system') _cc_kind='text' ;;
        'chat/--max-tokens') _cc_kind='text' ;;
        'chat/--effort') _cc_kind='text' ;;
        'chat/--think-budget') _cc_kind='text' ;;
        'chat/--schema') _cc_kind='text' ;;
        'chat/--web-domains') _cc_kind='text' ;;
        'chat/--max-searches') _cc_kind='text' ;;
        'chat/--max-retries') _cc_kind='text' ;;
        'chat/--timeout') _cc_kind='text' ;;
        'sessions list/-n') _cc_kind='text' ;;
        'sessions list/--limit') _cc_kind='text' ;;
        'sessions prune/--older-than') _cc_kind='text' ;;
        'sessions export/-f') _cc_kind='text' ;;
        'sessions export/--format') _cc_kind='text' ;;
        'batch submit/-m') _cc_kind='model' ;;
        'batch submit/--model') _cc_kind='model' ;;
        'batch submit/-s') _cc_kind='text' ;;
        'batch submit/--system') _cc_kind='text' ;;
        'batch submit/--max-tokens') _cc_kind='text' ;;
        'batch submit/--effort') _cc_kind='text' ;;
        'batch submit/--think-budget') _cc_kind='text' ;;
        'batch submit/--stop') _cc_kind='text' ;;
        'batch submit/--temperature') _cc_kind='text' ;;
        'batch submit/--schema') _cc_kind='text' ;;
        'batch submit/-a') _cc_kind='file' ;;
        'batch submit/--attach') _cc_kind='file' ;;
        'batch submit/--name') _cc_kind='text' ;;
        'batch submit/--batch-size') _cc_kind='text' ;;
        'batch submit/--interval') _cc_kind='text' ;;
        'batch submit/--max-retries') _cc_kind='text' ;;
        'batch submit/--timeout') _cc_kind='text' ;;
        'batch status/--max-retries') _cc_kind='text' ;;
        'batch status/--timeout') _cc_kind='text' ;;
        'batch wait/--interval') _cc_kind='text' ;;
        'batch wait/--max-retries') _cc_kind='text' ;;
        'batch results/-o') _cc_kind='text' ;;
        'batch results/--output') _cc_kind='text' ;;
        'batch results/--max-retries') _cc_kind='text' ;;
        'batch results/--timeout') _cc_kind='text' ;;
        'batch cancel/--max-retries') _cc_kind='text' ;;
        *) _cc_kind= ;;
    esac
}

# What argument number $2 (from 0) of path $1 completes to.
_claude_cli_arg_kind() {
    case "$1/$2" in
        'completion/0') _cc_kind='choice:bash zsh fish' ;;
        'models show/0') _cc_kind='model' ;;
        'sessions show/0') _cc_kind='session' ;;
        'sessions export/0') _cc_kind='session' ;;
        'sessions import/1') _cc_kind='file' ;;
        'sessions rename/0') _cc_kind='session' ;;
        'config set/0') _cc_kind='choice:model max_tokens system api_version base_url timeout max_retries prefill_model api_key_command prompt_caching image_max_edge download_images save_asks' ;;
        'config unset/0') _cc_kind='choice:model max_tokens system api_version base_url timeout max_retries prefill_model api_key_command prompt_caching image_max_edge download_images save_asks' ;;
        'batch submit/0') _cc_kind='file' ;;
        'batch status/0') _cc_kind='job' ;;
        'batch wait/0') _cc_kind='job' ;;
        'batch results/0') _cc_kind='job' ;;
        'batch cancel/0') _cc_kind='job' ;;
        'describe-image/'*) _cc_kind='file' ;;
        'sessions delete/'*) _cc_kind='session' ;;
        *) _cc_kind= ;;
    esac
}

# Names of the *.json files in the data folder's $1 (sessions, batches).
_claude_cli_names() {
    local dir f re='^[A-Za-z0-9_][A-Za-z0-9._-]*$'
    case ${OSTYPE-} in
        darwin*) dir="$HOME/Library/Application Support/claude-cli/$1" ;;
        *) dir="${XDG_DATA_HOME:-$HOME/.local/share}/claude-cli/$1" ;;
    esac
    _cc_words=
    for f in "$dir"/*.json; do
        f=${f##*/}
        f=${f%.json}
        [[ $f =~ $re ]] && _cc_words+=" $f"
    done
}

_claude_cli_sessions() { _claude_cli_names sessions; }
_claude_cli_jobs() { _claude_cli_names batches; }

_claude_cli_models() {
    local file line re='^[A-Za-z0-9][A-Za-z0-9._:@/-]*$'
    case ${OSTYPE-} in
        darwin*) file="$HOME/Library/Caches/claude-cli/models.txt" ;;
        *) file="${XDG_CACHE_HOME:-$HOME/.cache}/claude-cli/models.txt" ;;
    esac
    _cc_words=" $_claude_cli_known_models "
    if [[ -r $file ]]; then
        while IFS= read -r line || [[ -n $line ]]; do
            [[ $line =~ $re && $_cc_words != *" $line "* ]] && _cc_words+="$line "
        done <"$file"
    fi
}

# Sets COMPREPLY for a value of kind $1 matching $cur (prefixed with $_cc_prefix).
_claude_cli_complete_kind() {
    local IFS=$'\n' w
    case $1 in
        file)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            ;;
        session) _claude_cli_sessions ;;
        job) _claude_cli_jobs ;;
        model) _claude_cli_models ;;
        choice:*) _cc_words=${1#choice:} ;;
        *) COMPREPLY=() ;;
    esac
    case $1 in
        session | job | model | choice:*)
            IFS=$' \t\n'
            COMPREPLY=($(compgen -W "$_cc_words" -- "$cur"))
            ;;
    esac
    if [[ -n $_cc_prefix ]]; then
        for w in "${!COMPREPLY[@]}"; do COMPREPLY[w]=$_cc_prefix${COMPREPLY[w]}; done
    fi
}

# Option $1 as the first word, one of the implicit command's: the line is that command's.
_claude_cli_implicit() {
    if [[ -z $path && " $_claude_cli_implicit_options " == *" ${1%%=*} "* ]]; then
        path=$_claude_cli_implicit_command
    fi
    return 0
}

_claude_cli() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local path= w i=1 npos=0 ddash= opt= _cc_words= _cc_kind= _cc_prefix=
    COMPREPLY=()
    # "--model=x": bash splits it at "=" when "=" is in COMP_WORDBREAKS.
    if [[ $cur == = ]]; then
        opt=$prev cur=
    elif [[ $prev == = ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*} _cc_prefix=${cur%%=*}= cur=${cur#*=}
    else
        opt=$prev
    fi
    # Walk the words before the cursor: which (sub)command, how many arguments.
    while ((i < COMP_CWORD)); do
        w=${COMP_WORDS[i]}
        if [[ -z $ddash && $w == -- ]]; then
            ddash=1
        elif [[ -z $ddash && $w == -?* ]]; then
            _claude_cli_implicit "$w"
            _claude_cli_value_kind "$path" "$w"
            if [[ -n $_cc_kind && $w != *=* ]]; then
                if [[ ${COMP_WORDS[i + 1]-} == = ]]; then ((i += 2)); else ((i += 1)); fi
            fi
        elif [[ -z $ddash ]] && ((npos == 0)) && _claude_cli_subcommands "$path" &&
            [[ " $_cc_words " == *" $w "* ]]; then
            path=${path:+$path }$w
        else
            ((npos += 1))
        fi
        ((i += 1))
    done
    if [[ -z $ddash && $opt == -?* && $opt != *=* ]]; then
        _claude_cli_implicit "$opt"
        _claude_cli_value_kind "$path" "$opt"
        if [[ -n $_cc_kind ]]; then
            _claude_cli_complete_kind "$_cc_kind"
            return 0
        fi
    fi
    _cc_prefix=
    if [[ -z $ddash && $cur == -* ]]; then
        _claude_cli_options "$path"
        COMPREPLY=($(compgen -W "$_cc_words" -- "$cur"))
        return 0
    fi
    if ((npos == 0)) && _claude_cli_subcommands "$path" && [[ -n $_cc_words ]]; then
        COMPREPLY=($(compgen -W "$_cc_words" -- "$cur"))
        return 0
    fi
    _claude_cli_arg_kind "$path" "$npos"
    _claude_cli_complete_kind "$_cc_kind"
    return 0
}

complete -F _claude_cli claude-cli
